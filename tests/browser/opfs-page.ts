// Loaded by opfs.html: runs the FileStore contract on opfsStore in the page, and writes and
// reads back a file across a reload, for tests/browser/opfs-store.test.ts to check.
import { opfsAvailable, opfsStore, removeOpfsPath } from '../../src/lib/storage/opfs-store';
import { exerciseStore, type StoreReport } from '../helpers/store-contract';

export interface OpfsContractResult {
  available: boolean;
  /** Whether this browser has FileSystemHandle.move, i.e. writes went through name.tmp. */
  canMove: boolean;
  report: StoreReport;
  /** Everything in the store's folder, straight from OPFS: no temporary files may remain. */
  rawEntries: string[];
  /** The store's list with a folder beside its files: folders are not files. */
  listWithSubfolder: string[];
  /** runs/contract after removeOpfsPath: gone, and a store on it reads as empty. */
  afterRemovePath: { runsEntries: string[]; list: string[] };
}

const RUN = 'runs/contract';
const FOLDER = `${RUN}/checkpoint`;
const PERSIST = 'runs/persist/checkpoint';

async function folder(path: string, create = false): Promise<FileSystemDirectoryHandle> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split('/')) dir = await dir.getDirectoryHandle(part, { create });
  return dir;
}

async function entries(path: string): Promise<string[]> {
  const dir = await folder(path);
  const names: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  return names.sort();
}

declare global {
  interface Window {
    opfsTest?: {
      contract(): Promise<OpfsContractResult>;
      writePersistent(text: string): Promise<void>;
      readPersistent(): Promise<{ list: string[]; text: string | null }>;
    };
  }
}

window.opfsTest = {
  async contract() {
    await removeOpfsPath(RUN); // a clean start, even in a reused browser profile
    const store = await opfsStore(FOLDER);
    const report = await exerciseStore(store);
    const rawEntries = await entries(FOLDER);
    await folder(`${FOLDER}/sub`, true);
    const listWithSubfolder = await store.list();
    await removeOpfsPath(RUN);
    await removeOpfsPath(RUN); // missing is fine
    const afterRemovePath = { runsEntries: await entries('runs'), list: await (await opfsStore(FOLDER)).list() };
    return { available: opfsAvailable(), canMove: 'move' in FileSystemFileHandle.prototype, report, rawEntries, listWithSubfolder, afterRemovePath };
  },
  async writePersistent(text) {
    await (await opfsStore(PERSIST)).write('state.json', new TextEncoder().encode(text));
  },
  async readPersistent() {
    const store = await opfsStore(PERSIST);
    const bytes = await store.read('state.json');
    return { list: await store.list(), text: bytes && new TextDecoder().decode(bytes) };
  },
};
