// The Evaluate step's state: which model (the one loaded, or a finished training run's export),
// the task, the eval data and its size; progress from the evaluation worker; and the finished
// run, saved with its per-item outcomes for the sample viewer and the Compare step.
import { parseDifficulty } from '../data/synth';
import type { EvalFieldMap } from '../eval/data';
import { EvalWorkerClient } from '../clients/eval-client';
import { EVAL_FORM_DEFAULTS } from '../lab-defaults';
import { itemResult, type EvalRun } from '../runs/records';
import { newRunId, runPath } from '../runs/paths';
import { opfsFiles } from '../storage/opfs-store';
import type { EvalDataSource, EvalWorkerEvent } from '../../../workers/protocol';
import { EVAL_FILE_TYPES, hasType, rejectedFilesMessage } from './file-types';
import { EVAL_RULES, EVAL_SYNTH_RULES, FIX_FIELDS_TEXT, invalidFields } from './form-rules';
import { fieldMapFromText } from './field-map-text';
import { lab } from './lab.svelte';
import { session } from './session.svelte';
import { evalProgressText, type EvalProgress } from './status-text';

/** 'base': the model loaded in step 1; otherwise a training run's id. */
export const evalForm = $state({
  model: 'base',
  ...EVAL_FORM_DEFAULTS,
  url: '',
  file: null as File | null,
  /** For a file or URL with other field names: "question=Body+Question,answer=Answer"; empty: the usual names. */
  fieldMap: '',
});

const fieldMapFromForm = () => fieldMapFromText(evalForm.fieldMap);

function dataFromForm(): { data: EvalDataSource; label: string; fieldMap?: EvalFieldMap } {
  const f = evalForm;
  switch (f.dataKind) {
    case 'synth':
      return {
        data: { kind: 'synth', n: f.synthN, seed: f.synthSeed, difficulty: parseDifficulty(f.difficulty) },
        label: `synthetic n ${f.synthN} seed ${f.synthSeed} difficulty ${f.difficulty}`,
      };
    case 'hub':
      return { data: { kind: 'hub', split: 'test' }, label: `GSM8K test (first ${f.limit})` };
    case 'url':
      if (!f.url.trim()) throw new Error('Enter the URL of a GSM8K-style JSONL, JSON or Parquet file.');
      return { data: { kind: 'url', url: f.url.trim() }, label: `${f.url.trim()} (first ${f.limit})`, ...fieldMapFromForm() };
    case 'file':
      if (!f.file) throw new Error('Choose a GSM8K-style eval file.');
      return { data: { kind: 'file', file: f.file }, label: `file ${f.file.name} (first ${f.limit})`, ...fieldMapFromForm() };
  }
}

const NO_PROGRESS: EvalProgress = { done: 0, total: 0, fraction: 0, elapsedSeconds: 0, etaSeconds: null };

class EvalState {
  running = $state(false);
  error = $state<string | null>(null);
  /** The latest eval-progress event (items done, the fraction of the work, elapsed and left). */
  progress = $state.raw<EvalProgress>(NO_PROGRESS);
  progressText = $derived(evalProgressText(this.progress));
  log = $state<string[]>([]);
  /** The form's number fields that are empty or out of range: Evaluate stays disabled while any is. */
  invalid = $derived([...invalidFields(evalForm, EVAL_RULES), ...(evalForm.dataKind === 'synth' ? invalidFields(evalForm, EVAL_SYNTH_RULES) : [])]);
  /** The run the result panel and sample viewer show. */
  shownId = $state<string | null>(null);
  shown = $derived(lab.evalRuns.find((r) => r.id === this.shownId) ?? null);

  #client: EvalWorkerClient | null = null;

  cancel(): void {
    this.#client?.cancel();
  }

  /** Takes a picked eval file; false, saying why, for a type the picker does not read. */
  pick(file: File | null): boolean {
    if (file && !hasType(file.name, EVAL_FILE_TYPES)) {
      this.error = rejectedFilesMessage([file.name], EVAL_FILE_TYPES);
      evalForm.file = null;
      return false;
    }
    this.error = null;
    evalForm.file = file;
    return true;
  }

  /** Runs one evaluation; resolves with the saved run, or null when it failed or was cancelled. */
  async start(): Promise<EvalRun | null> {
    if (this.running) return null;
    if (this.invalid.length > 0) return this.#fail(FIX_FIELDS_TEXT);
    const source = session.source;
    if (!source) return this.#fail('Load a model in step 1 first.');
    let picked: ReturnType<typeof dataFromForm>;
    try {
      picked = dataFromForm();
    } catch (e) {
      return this.#fail((e as Error).message);
    }
    const trained = evalForm.model === 'base' ? null : lab.trainRuns.find((r) => r.id === evalForm.model);
    if (evalForm.model !== 'base' && !trained) return this.#fail(`There is no training run ${evalForm.model}.`);
    const model = trained ? await opfsFiles(runPath(trained.id, 'model')) : source.model;
    if (Array.isArray(model) && model.length === 0) return this.#fail(`Run ${trained!.id} has no exported model in browser storage; it may not have finished.`);

    const id = newRunId('eval', trained ? trained.strategy : 'base');
    Object.assign(this, { running: true, error: null, log: [], progress: NO_PROGRESS });
    const startedAt = performance.now();
    return new Promise((resolve) => {
      this.#client?.terminate();
      this.#client = new EvalWorkerClient(async (event: EvalWorkerEvent) => {
        switch (event.type) {
          case 'eval-backend':
            this.log.push(event.info.summary);
            break;
          case 'eval-log':
            this.log.push(event.line);
            break;
          case 'eval-progress': {
            const { done, total, fraction, elapsedSeconds, etaSeconds } = event;
            this.progress = { done, total, fraction, elapsedSeconds, etaSeconds };
            break;
          }
          case 'eval-done': {
            const run: EvalRun = {
              kind: 'eval',
              id,
              createdAt: new Date().toISOString(),
              model: trained ? { label: trained.strategy, trainRunId: trained.id, strategy: trained.strategy } : { label: 'base', trainRunId: null, strategy: 'base' },
              task: evalForm.task,
              dataLabel: picked.label,
              metrics: event.results.results[evalForm.task],
              ...(typeof event.results.config.numeric_tolerance === 'number' && { numericTolerance: event.results.config.numeric_tolerance }),
              ...(event.results.by_difficulty && { byDifficulty: event.results.by_difficulty }),
              seconds: (performance.now() - startedAt) / 1000,
              samples: event.samples.map(itemResult),
            };
            await lab.save(run);
            Object.assign(this, { running: false, shownId: id });
            this.#stop();
            resolve(run);
            break;
          }
          case 'eval-error':
            Object.assign(this, { running: false, error: event.message });
            this.#stop();
            resolve(null);
            break;
        }
      });
      this.#client.start({
        runId: id,
        model,
        data: picked.data,
        ...(picked.fieldMap && { fieldMap: picked.fieldMap }),
        task: evalForm.task,
        limit: evalForm.limit,
        batchSize: evalForm.batchSize,
        maxNewTokens: evalForm.maxNewTokens,
        ...(source.backend && { backend: source.backend }),
        ...(source.threads && { threads: source.threads }),
        ...(source.endpoint && { endpoint: source.endpoint }),
        ...(source.revision && { revision: source.revision }),
        ...(source.force && { force: true }),
      });
    });
  }

  #stop(): void {
    this.#client?.terminate();
    this.#client = null;
  }

  #fail(message: string): Promise<null> {
    this.error = message;
    return Promise.resolve(null);
  }
}

export const evaluation = new EvalState();
