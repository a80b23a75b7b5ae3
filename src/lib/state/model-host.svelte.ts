// One model in a model worker, as the page sees it: loading (with each file's progress, and the
// user's consent when the model needs more memory than the device reports), the loaded model's
// summary, and generation. The step 1 session is one; the prompt box opens another for a saved
// fine-tuned run. Only this module and its subclasses talk to the model worker client.
import type { BackendInfo } from '../../../models/backend';
import type { GenerateSettings, GenerationStats, LoadRequest, ModelSummary, WorkerEvent } from '../../../workers/protocol';
import { ModelWorkerClient } from '../clients/model-client';

export type Phase = 'idle' | 'loading' | 'confirm' | 'ready' | 'generating';

export interface FileLoad {
  file: string;
  loaded: number;
  total: number | null;
  cached: boolean;
}

/** The worker's question before it allocates a model bigger than the device reports. */
export interface LoadConsent {
  message: string;
  estimateBytes: number;
  availableBytes: number;
}

export type LoadSettings = Omit<LoadRequest, 'type' | 'force'>;

export class ModelHost {
  phase = $state<Phase>('idle');
  /** Why the model did not load. */
  error = $state<string | null>(null);
  /** Why the last generation did not run or failed. */
  generateError = $state<string | null>(null);
  /** Set while the worker waits for "Load anyway" or "Cancel". */
  consent = $state<LoadConsent | null>(null);
  /** Said after the user declined to load. */
  notice = $state<string | null>(null);
  backend = $state<BackendInfo | null>(null);
  files = $state<FileLoad[]>([]);
  log = $state<string[]>([]);
  model = $state<ModelSummary | null>(null);
  /** The current (or last) generation. */
  outputText = $state('');
  outputIds = $state<number[]>([]);
  stats = $state<GenerationStats | null>(null);

  #client: ModelWorkerClient | null = null;
  #request: LoadSettings | null = null;
  /** The user agreed to load over the device's memory: the workers that load it again may too. */
  #forced = false;

  /** Loads a model in a fresh worker (which also frees any earlier one). */
  open(request: LoadSettings): void {
    this.#client?.terminate();
    Object.assign(this, { phase: 'loading', error: null, generateError: null, consent: null, notice: null, backend: null, files: [], log: [], model: null });
    this.#clearOutput();
    this.#request = request;
    this.#forced = false;
    this.#client = new ModelWorkerClient((event) => this.#handle(event));
    this.#client.load(request);
  }

  /** The user agreed to load a model bigger than the device reports: the same request, forced. */
  loadAnyway(): void {
    if (!this.consent || !this.#client || !this.#request) return;
    Object.assign(this, { consent: null, phase: 'loading' });
    this.#forced = true;
    this.#client.load({ ...this.#request, force: true });
  }

  /** The user declined: nothing was allocated; the worker goes. */
  declineLoad(): void {
    if (!this.consent) return;
    Object.assign(this, { consent: null, phase: 'idle', notice: 'Not loaded: nothing was allocated. Choose a smaller model, or load again and choose "Load anyway".' });
    this.close();
  }

  generate(prompt: string | number[], options: GenerateSettings): void {
    if (!this.#client || this.phase !== 'ready') return;
    this.phase = 'generating';
    this.generateError = null;
    this.#clearOutput();
    this.#client.generate(prompt, options);
  }

  stop(): void {
    if (this.phase === 'generating') this.#client?.stop();
  }

  /** Ends the worker and frees its model. */
  close(): void {
    this.#client?.terminate();
    this.#client = null;
    if (this.phase !== 'idle') this.phase = 'idle';
    this.model = null;
  }

  /** A problem with the prompt, shown where generation errors are. */
  showGenerateError(message: string): void {
    this.generateError = message;
  }

  /** Called when a model has loaded (the session records where it came from). */
  protected loaded(_request: LoadSettings, _forced: boolean): void {}

  #clearOutput(): void {
    this.outputText = '';
    this.outputIds = [];
    this.stats = null;
  }

  #handle(event: WorkerEvent): void {
    switch (event.type) {
      case 'backend':
        this.backend = event.info;
        break;
      case 'progress': {
        const { file, loaded, total, cached } = event;
        const row = this.files.find((f) => f.file === file);
        if (row) Object.assign(row, { loaded, total, cached });
        else this.files.push({ file, loaded, total, cached });
        break;
      }
      case 'log':
        this.log.push(event.line);
        break;
      case 'load-needs-consent': {
        const { message, estimateBytes, availableBytes } = event;
        Object.assign(this, { consent: { message, estimateBytes, availableBytes }, phase: 'confirm' });
        break;
      }
      case 'loaded':
        this.model = event.summary;
        this.phase = 'ready';
        if (this.#request) this.loaded(this.#request, this.#forced);
        break;
      case 'token':
        this.outputIds.push(event.id);
        this.outputText += event.text;
        break;
      case 'done':
        this.outputIds = event.ids;
        if (event.text !== undefined) this.outputText = event.text;
        this.stats = event.stats;
        this.phase = 'ready';
        break;
      case 'error':
        if (event.during === 'generate' || (event.during === 'message' && this.model)) this.generateError = event.message;
        else this.error = event.message;
        this.phase = this.model ? 'ready' : 'idle';
        break;
    }
  }
}
