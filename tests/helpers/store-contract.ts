// The FileStore contract, free of any test framework so that it runs in Node and in a browser
// page alike: it exercises a store and reports what it saw, and the test compares the report
// with STORE_CONTRACT. The store must start empty.
import { readJson, writeJson, type FileStore } from '../../src/lib/storage/file-store';

export interface StoreReport {
  emptyList: string[];
  missingRead: number[] | null;
  list: string[];
  read: number[] | null;
  json: unknown;
  /** A 1 MiB file: its length and a checksum, so the report stays small. */
  big: { length: number; sum: number } | null;
  /** Writing 5 bytes over 3, then 2 over 5: each read gives exactly the last write. */
  overwrites: (number[] | null)[];
  /** Changing the written array, or the array read, afterwards changes nothing stored. */
  unaliased: number[] | null;
  afterRemove: { list: string[]; read: number[] | null };
  removeMissing: 'ok' | string;
  /** Appending makes a missing file, then adds at its end; a write after that replaces it all. */
  appends: (number[] | null)[];
}

export const STORE_CONTRACT: StoreReport = {
  emptyList: [],
  missingRead: null,
  list: ['a.bin', 'big.bin', 'c.json'],
  read: [1, 2, 3],
  json: { step: 7, nested: { ok: true } },
  big: { length: 1 << 20, sum: bigSum(bigFile()) },
  overwrites: [
    [9, 9, 9, 9, 9],
    [4, 4],
  ],
  unaliased: [5, 6, 7],
  afterRemove: { list: ['b.bin', 'big.bin', 'c.json'], read: null },
  removeMissing: 'ok',
  appends: [[1, 2], [1, 2, 3], [1, 2, 3, 4, 5], [7], [7, 8]],
};

function bigFile(): Uint8Array {
  return Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
}

function bigSum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum * 31 + bytes[i]) >>> 0;
  return sum;
}

const arr = (b: Uint8Array | null) => (b ? [...b] : null);

export async function exerciseStore(store: FileStore): Promise<StoreReport> {
  const emptyList = await store.list();
  const missingRead = arr(await store.read('nothing.bin'));
  await store.write('a.bin', new Uint8Array([1, 2, 3]));
  await store.write('big.bin', bigFile());
  await writeJson(store, 'c.json', { step: 7, nested: { ok: true } });
  const list = await store.list();
  const read = arr(await store.read('a.bin'));
  const json = await readJson(store, 'c.json');
  const bigBytes = await store.read('big.bin');

  const overwrites: (number[] | null)[] = [];
  await store.write('b.bin', new Uint8Array([8, 8, 8]));
  for (const bytes of [[9, 9, 9, 9, 9], [4, 4]]) {
    await store.write('b.bin', new Uint8Array(bytes));
    overwrites.push(arr(await store.read('b.bin')));
  }

  const source = new Uint8Array([5, 6, 7]);
  await store.write('d.bin', source);
  source[0] = 0;
  (await store.read('d.bin'))!.fill(0);
  const unaliased = arr(await store.read('d.bin'));
  await store.remove('d.bin');

  await store.remove('a.bin');
  const afterRemove = { list: await store.list(), read: arr(await store.read('a.bin')) };
  const removeMissing = await store.remove('a.bin').then(
    () => 'ok',
    (e: Error) => e.message,
  );
  const appends: (number[] | null)[] = [];
  for (const bytes of [[1, 2], [3], [4, 5]]) {
    await store.append('e.log', new Uint8Array(bytes));
    appends.push(arr(await store.read('e.log')));
  }
  await store.write('e.log', new Uint8Array([7]));
  appends.push(arr(await store.read('e.log')));
  await store.append('e.log', new Uint8Array([8]));
  appends.push(arr(await store.read('e.log')));
  await store.remove('e.log');
  return {
    emptyList,
    missingRead,
    list,
    read,
    json,
    big: bigBytes && { length: bigBytes.length, sum: bigSum(bigBytes) },
    overwrites,
    unaliased,
    afterRemove,
    removeMissing,
    appends,
  };
}
