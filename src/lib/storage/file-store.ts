// A flat folder of named files: where checkpoints and exports go. Node writes a directory on
// disk; the browser writes to the Origin Private File System (OPFS), which survives a closed tab.

export interface FileStore {
  /** For messages, e.g. "folder runs/a/checkpoint" or "browser storage (OPFS) runs/a/checkpoint". */
  readonly description: string;
  write(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Adds bytes at the end of the file, making it when missing: for outputs saved as they come
   * (a teacher's generations), where writing the whole file again each time would grow quadratic.
   */
  append(name: string, bytes: Uint8Array): Promise<void>;
  /** The file's bytes, or null when there is none. */
  read(name: string): Promise<Uint8Array | null>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function writeJson(store: FileStore, name: string, value: unknown): Promise<void> {
  await store.write(name, encoder.encode(`${JSON.stringify(value, null, 2)}\n`));
}

export async function readJson<T>(store: FileStore, name: string): Promise<T | null> {
  const bytes = await store.read(name);
  if (!bytes) return null;
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (e) {
    throw new Error(`${store.description}/${name}: not valid JSON (${(e as Error).message}); the file is damaged`);
  }
}
