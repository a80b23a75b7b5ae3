// The lab's runs in a FileStore (browser storage in the app, memory in tests): one JSON file a
// run, and the export file that carries them to another browser or machine.
import { readJson, writeJson, type FileStore } from '../storage/file-store';
import { isRunId } from './paths';
import { checkRun, type LabRun } from './records';

export const RUNS_FOLDER = 'lab/runs';
export const EXPORT_FORMAT = 'distill-lab-runs';
export const EXPORT_VERSION = 1;

export interface RunsExport {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  runs: LabRun[];
}

/** A stored run file that could not be read: left out of the list, named so it can be deleted. */
export interface DamagedRunFile {
  /** The file's name in the store, e.g. "train-…-answer.json". */
  name: string;
  /** Where it is, for messages, e.g. "browser storage (OPFS) lab/runs/train-…-answer.json". */
  path: string;
  /** The run id its name gives, when it is a valid one (its files are under runs/<id>/). */
  runId: string | null;
  /** Why it could not be read. */
  message: string;
}

export interface RunListing {
  /** Every readable run, oldest first. */
  runs: LabRun[];
  damaged: DamagedRunFile[];
}

export interface ImportResult {
  imported: string[];
  /** Ids that were already here: the stored run is kept. */
  kept: string[];
}

export class RunStore {
  constructor(private readonly store: FileStore) {}

  /** Every stored run, oldest first, and apart the files that could not be read (one damaged file hides no other run). */
  async read(): Promise<RunListing> {
    const listing: RunListing = { runs: [], damaged: [] };
    for (const name of await this.store.list()) {
      if (!name.endsWith('.json')) continue;
      const path = `${this.store.description}/${name}`;
      try {
        const value = await readJson<unknown>(this.store, name);
        if (value === null) continue; // deleted since it was listed
        listing.runs.push(checkRun(value, path));
      } catch (e) {
        const id = name.slice(0, -'.json'.length);
        listing.damaged.push({ name, path, runId: isRunId(id) ? id : null, message: (e as Error).message });
      }
    }
    listing.runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return listing;
  }

  /** Every readable stored run, oldest first (damaged files are left out; see read()). */
  async list(): Promise<LabRun[]> {
    return (await this.read()).runs;
  }

  /** Deletes one file of the store by name, e.g. a damaged run file that read() reported. */
  async removeFile(name: string): Promise<void> {
    await this.store.remove(name);
  }

  async save(run: LabRun): Promise<void> {
    await writeJson(this.store, `${run.id}.json`, run);
  }

  async remove(id: string): Promise<void> {
    await this.store.remove(`${id}.json`);
  }

  async exportJson(): Promise<string> {
    const file: RunsExport = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), runs: await this.list() };
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  /** Reads an export file; nothing is written unless every run in it is well-formed. */
  async importJson(text: string, fileName = 'the imported file'): Promise<ImportResult> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${fileName} is not JSON (${(e as Error).message}); choose a file made by "Export runs"`);
    }
    const file = parsed as Partial<RunsExport>;
    if (file?.format !== EXPORT_FORMAT || !Array.isArray(file.runs)) {
      throw new Error(`${fileName} is not a Distill Lab runs export (it needs "format": "${EXPORT_FORMAT}" and a "runs" list)`);
    }
    if (typeof file.version !== 'number' || file.version > EXPORT_VERSION) {
      throw new Error(`${fileName} has version ${JSON.stringify(file.version)}; this app reads version ${EXPORT_VERSION} or older`);
    }
    const runs = file.runs.map((r, i) => checkRun(r, `${fileName}: run ${i + 1}`));
    // A damaged file's run counts as here: an import never writes over a file the user has not deleted.
    const { runs: stored, damaged } = await this.read();
    const existing = new Set([...stored.map((r) => r.id), ...damaged.flatMap((d) => (d.runId ? [d.runId] : []))]);
    const result: ImportResult = { imported: [], kept: [] };
    for (const run of runs) {
      if (existing.has(run.id)) {
        result.kept.push(run.id);
        continue;
      }
      await this.save(run);
      result.imported.push(run.id);
    }
    return result;
  }
}
