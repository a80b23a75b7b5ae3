// Settings the page takes from its address: ?model=…&backend=…&threads=…&endpoint=…&revision=…
// Without a `model` parameter the page opens on the bundled default model; `?model=` (empty)
// opens it with nothing loaded.
import { threadsError, type BackendName } from '../../models/backend-info';
import { DEFAULT_MODEL_URL_PATH } from './default-model';

export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

export interface UrlSettings {
  model: string;
  backend: BackendChoice;
  /** wasm threads; null: every logical core (BACKEND_DEFAULTS.threads). */
  threads: number | null;
  endpoint: string;
  revision: string;
  /** A `backend` value that is not one of BACKEND_CHOICES (then `backend` is auto). */
  unknownBackend?: string;
  /** A `threads` value that threadsError refuses (then `threads` is null). */
  badThreads?: string;
}
export { threadsError };

export function readUrlSettings(search: string): UrlSettings {
  const params = new URLSearchParams(search);
  const backend = (params.get('backend') ?? 'auto').trim().toLowerCase();
  const known = (BACKEND_CHOICES as readonly string[]).includes(backend);
  const threadsText = params.get('threads')?.trim() ?? '';
  const threads = threadsText === '' || threadsError(Number(threadsText)) ? null : Number(threadsText);
  return {
    model: params.has('model') ? params.get('model')!.trim() : DEFAULT_MODEL_URL_PATH,
    backend: known ? (backend as BackendChoice) : 'auto',
    threads,
    endpoint: params.get('endpoint')?.trim() ?? '',
    revision: params.get('revision')?.trim() ?? '',
    ...(!known && { unknownBackend: backend }),
    ...(threadsText !== '' && threads === null && { badThreads: threadsText }),
  };
}
