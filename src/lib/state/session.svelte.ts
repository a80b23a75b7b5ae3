// The page's shared state: the model form, and what the model worker has reported.
// Components read it and call its actions; only this module talks to the worker client.
import type { BackendInfo, BackendName } from '../../../models/backend';
import type { GenerateSettings, GenerationStats, ModelSummary, WorkerEvent } from '../../../workers/protocol';
import type { BackendChoice } from '../url-params';
import { ModelWorkerClient } from '../worker-client';

export type Phase = 'idle' | 'loading' | 'ready' | 'generating';

/** The fields every worker request takes to load the same model on the same backend. */
export interface ModelRequest {
  model: string | File[];
  backend?: BackendName;
  endpoint?: string;
}

export interface FileLoad {
  file: string;
  loaded: number;
  total: number | null;
  cached: boolean;
}

/** What the model picker edits. Picked files, when there are any, win over the text. */
export const modelForm = $state({
  text: '',
  files: [] as File[],
  backend: 'auto' as BackendChoice,
  endpoint: '',
  revision: '',
});

class Session {
  phase = $state<Phase>('idle');
  error = $state<string | null>(null);
  backend = $state<BackendInfo | null>(null);
  files = $state<FileLoad[]>([]);
  log = $state<string[]>([]);
  model = $state<ModelSummary | null>(null);
  /** What the loaded model came from, as the training and evaluation workers load it again. */
  source = $state.raw<ModelRequest | null>(null);
  /** The current (or last) generation. */
  outputText = $state('');
  outputIds = $state<number[]>([]);
  stats = $state<GenerationStats | null>(null);

  #client: ModelWorkerClient | null = null;
  #pending: ModelRequest | null = null;

  /** Loads the model the form describes, in a fresh worker (which also frees any earlier model). */
  load(): void {
    const source = modelForm.files.length > 0 ? [...modelForm.files] : modelForm.text.trim();
    if (source === '') {
      this.error = 'Enter a model id, URL or path, or pick model files, before loading.';
      return;
    }
    this.#client?.terminate();
    this.phase = 'loading';
    this.error = null;
    this.backend = null;
    this.files = [];
    this.log = [];
    this.model = null;
    this.#clearOutput();
    this.source = null;
    this.#client = new ModelWorkerClient((event) => this.#handle(event));
    this.#pending = {
      model: source,
      ...(modelForm.backend !== 'auto' && { backend: modelForm.backend }),
      ...(modelForm.endpoint.trim() && { endpoint: modelForm.endpoint.trim() }),
    };
    this.#client.load({
      source,
      backend: this.#pending.backend,
      endpoint: this.#pending.endpoint,
      ...(modelForm.revision.trim() && { revision: modelForm.revision.trim() }),
    });
  }

  generate(prompt: string | number[], options: GenerateSettings): void {
    if (!this.#client || this.phase !== 'ready') return;
    this.phase = 'generating';
    this.error = null;
    this.#clearOutput();
    this.#client.generate(prompt, options);
  }

  stop(): void {
    if (this.phase === 'generating') this.#client?.stop();
  }

  showError(message: string): void {
    this.error = message;
  }

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
      case 'loaded':
        this.model = event.summary;
        this.source = this.#pending;
        this.phase = 'ready';
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
        this.error = event.message;
        this.phase = this.model ? 'ready' : 'idle';
        break;
    }
  }
}

export const session = new Session();
