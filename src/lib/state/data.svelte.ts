// The Data step's state: where the training data comes from, and what the data worker found in
// it (format, skipped lines, every strategy's view, length histograms). The inspected file is
// what training then reads.
import type { DataInspection } from '../data/inspect';
import { parseDifficulty } from '../data/synth';
import { DataWorkerClient } from '../clients/data-client';
import { DATA_FORM_DEFAULTS } from '../lab-defaults';
import type { TrainDataSource } from '../../../workers/protocol';
import { DATA_FILE_TYPES, rejectedFilesMessage } from './file-types';
import { DATA_RULES, DATA_SYNTH_RULES, FIX_FIELDS_TEXT, invalidFields } from './form-rules';
import { session } from './session.svelte';

export type DataKind = 'synth' | 'file' | 'url';

export const dataForm = $state({
  kind: 'synth' as DataKind,
  synthN: DATA_FORM_DEFAULTS.synthN,
  synthSeed: DATA_FORM_DEFAULTS.synthSeed,
  difficulty: DATA_FORM_DEFAULTS.difficulty,
  /** GSM8K training items from the hub after the synthetic records; 0 for none. */
  gsm8kItems: DATA_FORM_DEFAULTS.gsm8kItems,
  /** The share of one- and two-step records told as stories with everyday verbs; 0 for none. */
  verbStories: DATA_FORM_DEFAULTS.verbStories,
  url: '',
  file: null as File | null,
  maxLength: DATA_FORM_DEFAULTS.maxLength,
});

function sourceFromForm(): TrainDataSource {
  switch (dataForm.kind) {
    case 'synth':
      return {
        kind: 'synth',
        n: dataForm.synthN,
        seed: dataForm.synthSeed,
        difficulty: parseDifficulty(dataForm.difficulty),
        ...(dataForm.verbStories > 0 && { verbStories: dataForm.verbStories }),
        ...(dataForm.gsm8kItems > 0 && { gsm8kTrain: { items: dataForm.gsm8kItems } }),
      };
    case 'url':
      if (!dataForm.url.trim()) throw new Error('Enter the URL of a JSONL, JSON or Parquet file.');
      return { kind: 'url', url: dataForm.url.trim() };
    case 'file':
      if (!dataForm.file) throw new Error('Drop a data file here, or choose one.');
      return { kind: 'file', file: dataForm.file };
  }
}

class DataState {
  busy = $state(false);
  error = $state<string | null>(null);
  inspection = $state.raw<DataInspection | null>(null);
  /** The data as training reads it, and the prompt style it was measured with. */
  file = $state.raw<File | null>(null);
  style = $state<'chat' | 'plain'>('chat');
  log = $state<string[]>([]);

  /** The form's number fields that are empty or out of range: reading stays disabled while any is. */
  invalid = $derived([...invalidFields(dataForm, DATA_RULES), ...(dataForm.kind === 'synth' ? invalidFields(dataForm, DATA_SYNTH_RULES) : [])]);

  #client: DataWorkerClient | null = null;
  #waiters: ((ok: boolean) => void)[] = [];

  /** A dropped or picked file the picker does not take: say so, and keep what was there. */
  reject(names: string[]): void {
    this.error = rejectedFilesMessage(names, DATA_FILE_TYPES);
  }

  /**
   * Reads the data the form describes; resolves true when the inspection is shown, false on an
   * error. The inspection reads at most `limit` records (training reads them all).
   */
  inspect(limit = DATA_FORM_DEFAULTS.inspectLimit): Promise<boolean> {
    if (this.invalid.length > 0) {
      this.error = FIX_FIELDS_TEXT;
      return Promise.resolve(false);
    }
    let source: TrainDataSource;
    try {
      source = sourceFromForm();
    } catch (e) {
      this.error = (e as Error).message;
      return Promise.resolve(false);
    }
    this.#client?.terminate();
    this.#settle(false);
    this.busy = true;
    this.error = null;
    this.log = [];
    this.inspection = null;
    this.file = null;
    this.#client = new DataWorkerClient((event) => {
      switch (event.type) {
        case 'data-log':
          this.log.push(event.line);
          break;
        case 'data-inspected':
          Object.assign(this, { inspection: event.inspection, file: event.file, style: event.style, busy: false });
          this.#settle(true);
          break;
        case 'data-error':
          Object.assign(this, { error: event.message, busy: false });
          this.#settle(false);
          break;
      }
    });
    const model = session.source;
    this.#client.inspect({
      data: source,
      ...(model && { model: model.model, endpoint: model.endpoint }),
      maxLength: dataForm.maxLength,
      limit,
    });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #settle(ok: boolean): void {
    for (const resolve of this.#waiters.splice(0)) resolve(ok);
  }
}

export const data = new DataState();
