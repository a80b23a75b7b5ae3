// A FileStore held in memory: for tests, and the fallback where no persistent storage exists.
import type { FileStore } from './file-store';

export function memoryStore(description = 'memory'): FileStore {
  const files = new Map<string, Uint8Array>();
  return {
    description,
    // Copies in and out, as a real store does: later changes to either array never reach the
    // other. new Uint8Array(x) rather than x.slice(), which on a Node Buffer is only a view.
    async write(name, bytes) {
      files.set(name, new Uint8Array(bytes));
    },
    async append(name, bytes) {
      const old = files.get(name) ?? new Uint8Array(0);
      const joined = new Uint8Array(old.length + bytes.length);
      joined.set(old);
      joined.set(bytes, old.length);
      files.set(name, joined);
    },
    async read(name) {
      const bytes = files.get(name);
      return bytes ? new Uint8Array(bytes) : null;
    },
    async list() {
      return [...files.keys()].sort();
    },
    async remove(name) {
      files.delete(name);
    },
  };
}
