// The page's shared state: the model form, and the model step 1 loaded (a ModelHost): what the
// training and evaluation workers load again as the base model.
import type { BackendName } from '../../../models/backend';
import { threadsError, type BackendChoice } from '../url-params';
import { ModelHost, type LoadSettings } from './model-host.svelte';

export type { FileLoad, Phase } from './model-host.svelte';

/** The fields every worker request takes to load the same model on the same backend. */
export interface ModelRequest {
  model: string | File[];
  backend?: BackendName;
  /** wasm threads; omitted: every logical core. */
  threads?: number;
  endpoint?: string;
  revision?: string;
  /** The user agreed to load it over what the device reports. */
  force?: boolean;
}

/** What the model picker edits. Picked files, when there are any, win over the text. */
export const modelForm = $state({
  text: '',
  files: [] as File[],
  backend: 'auto' as BackendChoice,
  /** null: every logical core. */
  threads: null as number | null,
  endpoint: '',
  revision: '',
});

class Session extends ModelHost {
  /** What the loaded model came from, as the training and evaluation workers load it again. */
  source = $state.raw<ModelRequest | null>(null);

  /** Loads the model the form describes, in a fresh worker (which also frees any earlier model). */
  load(): void {
    const source = modelForm.files.length > 0 ? [...modelForm.files] : modelForm.text.trim();
    if (source === '') {
      this.error = 'Enter a model id, URL or path, or pick model files, before loading.';
      return;
    }
    const threads = modelForm.threads ?? undefined;
    const badThreads = threads === undefined ? null : threadsError(threads);
    if (badThreads) {
      this.error = `Threads: ${badThreads}; or leave it empty for every core.`;
      return;
    }
    this.source = null;
    this.open({
      source,
      ...(modelForm.backend !== 'auto' && { backend: modelForm.backend }),
      ...(threads !== undefined && { threads }),
      ...(modelForm.endpoint.trim() && { endpoint: modelForm.endpoint.trim() }),
      ...(modelForm.revision.trim() && { revision: modelForm.revision.trim() }),
    });
  }

  showError(message: string): void {
    this.error = message;
  }

  protected override loaded(request: LoadSettings, forced: boolean): void {
    this.source = {
      model: request.source,
      ...(request.backend && { backend: request.backend }),
      ...(request.threads && { threads: request.threads }),
      ...(request.endpoint && { endpoint: request.endpoint }),
      ...(request.revision && { revision: request.revision }),
      ...(forced && { force: true }),
    };
  }
}

export const session = new Session();
