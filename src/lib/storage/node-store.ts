// A FileStore on a folder on disk (Node). node:fs and node:path are imported inside the
// functions, so a browser bundle that reaches this module never loads them.
import type { FileStore } from './file-store';

/** Temporary names of writes in progress (or cut short by a crash): `name.tmp-<pid>`. */
const TMP = /\.tmp-\d+$/;

async function node() {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

function checkName(dir: string, name: string): void {
  if (!name || name === '.' || name === '..' || /[/\\]/.test(name) || TMP.test(name)) {
    throw new Error(`folder ${dir}: "${name}" is not a plain file name`);
  }
}

export function nodeFolderStore(dir: string): FileStore {
  return {
    description: `folder ${dir}`,

    // Written beside the target and renamed over it: a crash leaves the old file or the new one,
    // never half of one. The sync makes the rename safe against power loss too.
    async write(name, bytes) {
      checkName(dir, name);
      const { fs, path } = await node();
      await fs.mkdir(dir, { recursive: true });
      const target = path.join(dir, name);
      const tmp = `${target}.tmp-${process.pid}`;
      try {
        const handle = await fs.open(tmp, 'w');
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(tmp, target);
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
    },

    async append(name, bytes) {
      checkName(dir, name);
      const { fs, path } = await node();
      await fs.mkdir(dir, { recursive: true });
      const handle = await fs.open(path.join(dir, name), 'a');
      try {
        await handle.write(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },

    async read(name) {
      checkName(dir, name);
      const { fs, path } = await node();
      try {
        const buf = await fs.readFile(path.join(dir, name));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },

    async list() {
      const { fs } = await node();
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return [];
        throw e;
      });
      return entries.filter((e) => e.isFile() && !TMP.test(e.name)).map((e) => e.name).sort();
    },

    async remove(name) {
      checkName(dir, name);
      const { fs, path } = await node();
      await fs.rm(path.join(dir, name), { force: true });
    },
  };
}
