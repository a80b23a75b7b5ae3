// Settings the page takes from its address: ?model=…&backend=…&endpoint=…&revision=…
// A `model` parameter also makes the page load that model at once.
import type { BackendName } from '../../models/backend';

export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

export interface UrlSettings {
  model: string;
  backend: BackendChoice;
  endpoint: string;
  revision: string;
  /** A `backend` value that is not one of BACKEND_CHOICES (then `backend` is auto). */
  unknownBackend?: string;
}

export function readUrlSettings(search: string): UrlSettings {
  const params = new URLSearchParams(search);
  const backend = (params.get('backend') ?? 'auto').trim().toLowerCase();
  const known = (BACKEND_CHOICES as readonly string[]).includes(backend);
  return {
    model: params.get('model')?.trim() ?? '',
    backend: known ? (backend as BackendChoice) : 'auto',
    endpoint: params.get('endpoint')?.trim() ?? '',
    revision: params.get('revision')?.trim() ?? '',
    ...(!known && { unknownBackend: backend }),
  };
}
