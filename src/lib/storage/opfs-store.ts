// A FileStore in the browser's Origin Private File System (OPFS): private to this site, kept
// when the tab closes, and writable from windows and workers alike through createWritable().
import type { FileStore } from './file-store';

// Not yet in TypeScript's DOM library (the async iteration is in DOM.AsyncIterable, which this
// project does not load; move() is a Chromium addition to the spec).
interface IterableDirectory {
  entries(): AsyncIterable<[string, FileSystemHandle]>;
}
interface MovableFile {
  move(name: string): Promise<void>;
}

const TMP_SUFFIX = '.tmp';

export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/** Sync access handles exist only in dedicated workers. */
function canAppendInPlace(handle: FileSystemFileHandle): boolean {
  return typeof handle.createSyncAccessHandle === 'function' && typeof window === 'undefined';
}

function canMove(): boolean {
  return typeof FileSystemFileHandle !== 'undefined' && 'move' in FileSystemFileHandle.prototype;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function isNotFound(e: unknown): boolean {
  return (e as DOMException)?.name === 'NotFoundError';
}

/** The folder at `path` under `root`, made when `create`; null when it does not exist. */
async function folder(root: FileSystemDirectoryHandle, path: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
  let dir = root;
  try {
    for (const part of segments(path)) dir = await dir.getDirectoryHandle(part, { create });
  } catch (e) {
    if (!create && isNotFound(e)) return null;
    throw e;
  }
  return dir;
}

/** The finished files of a folder (writes in progress, name.tmp, are left out). */
async function* fileHandles(dir: FileSystemDirectoryHandle): AsyncGenerator<FileSystemFileHandle> {
  for await (const [name, handle] of (dir as unknown as IterableDirectory).entries()) {
    if (handle.kind === 'file' && !name.endsWith(TMP_SUFFIX)) yield handle as FileSystemFileHandle;
  }
}

async function writeFile(handle: FileSystemFileHandle, bytes: Uint8Array): Promise<void> {
  const stream = await handle.createWritable();
  try {
    await stream.write(bytes as Uint8Array<ArrayBuffer>);
    await stream.close();
  } catch (e) {
    await stream.abort().catch(() => undefined);
    throw e;
  }
}

/**
 * The store for one folder, e.g. "runs/abc/checkpoint". The folder is looked up on every call
 * rather than held, so it survives removeOpfsPath (it is made again on the next write).
 */
export async function opfsStore(path: string): Promise<FileStore> {
  if (!opfsAvailable()) throw new Error('This browser has no Origin Private File System (navigator.storage.getDirectory), so runs cannot be saved here.');
  const root = await navigator.storage.getDirectory();
  return {
    description: `browser storage (OPFS) ${path}`,

    // Written to name.tmp, then moved over the target where the browser can move files: a tab
    // closed mid-write then leaves the old file whole. createWritable itself only commits on
    // close(), so where move() is missing a direct write is nearly as safe.
    async write(name, bytes) {
      if (name.endsWith(TMP_SUFFIX)) throw new Error(`${path}: "${name}" ends in ${TMP_SUFFIX}, which is kept for writes in progress`);
      const dir = (await folder(root, path, true))!;
      if (!canMove()) return writeFile(await dir.getFileHandle(name, { create: true }), bytes);
      const tmp = await dir.getFileHandle(`${name}${TMP_SUFFIX}`, { create: true });
      await writeFile(tmp, bytes);
      await (tmp as unknown as MovableFile).move(name);
    },

    // In a worker, a sync access handle writes at the end in place. Elsewhere createWritable
    // works on a copy of the whole file that replaces it on close(), so each append costs the
    // file's size. Readers of appended files drop a last line cut short.
    async append(name, bytes) {
      if (name.endsWith(TMP_SUFFIX)) throw new Error(`${path}: "${name}" ends in ${TMP_SUFFIX}, which is kept for writes in progress`);
      const handle = await (await folder(root, path, true))!.getFileHandle(name, { create: true });
      if (canAppendInPlace(handle)) {
        const access = await handle.createSyncAccessHandle();
        try {
          access.write(bytes as Uint8Array<ArrayBuffer>, { at: access.getSize() });
          access.flush();
        } finally {
          access.close();
        }
        return;
      }
      const size = (await handle.getFile()).size;
      const stream = await handle.createWritable({ keepExistingData: true });
      try {
        await stream.write({ type: 'write', position: size, data: bytes as Uint8Array<ArrayBuffer> });
        await stream.close();
      } catch (e) {
        await stream.abort().catch(() => undefined);
        throw e;
      }
    },

    async read(name) {
      const dir = await folder(root, path, false);
      try {
        const file = await dir?.getFileHandle(name);
        return file ? new Uint8Array(await (await file.getFile()).arrayBuffer()) : null;
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },

    async list() {
      const dir = await folder(root, path, false);
      const names: string[] = [];
      if (dir) for await (const handle of fileHandles(dir)) names.push(handle.name);
      return names.sort();
    },

    async remove(name) {
      const dir = await folder(root, path, false);
      await dir?.removeEntry(name).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    },
  };
}

/** Deletes the folder at `path` (e.g. a whole run) with everything in it; missing is fine. */
export async function removeOpfsPath(path: string): Promise<void> {
  const parts = segments(path);
  if (parts.length === 0) throw new Error('removeOpfsPath: refusing to delete the whole browser storage');
  const parent = await folder(await navigator.storage.getDirectory(), parts.slice(0, -1).join('/'), false);
  await parent?.removeEntry(parts[parts.length - 1], { recursive: true }).catch((e) => {
    if (!isNotFound(e)) throw e;
  });
}

/**
 * The files of the folder at `path` as File objects (read lazily by whoever takes them), e.g. a
 * trained model in runs/<id>/model to load in a worker; [] when the folder does not exist.
 */
export async function opfsFiles(path: string): Promise<File[]> {
  const dir = await folder(await navigator.storage.getDirectory(), path, false);
  const files: File[] = [];
  if (dir) for await (const handle of fileHandles(dir)) files.push(await handle.getFile());
  return files;
}
