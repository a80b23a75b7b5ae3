// The lab's runs in a FileStore (browser storage in the app, memory in tests): one JSON file a
// run, and the export file that carries them to another browser or machine.
import { readJson, writeJson, type FileStore } from '../storage/file-store';
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

export interface ImportResult {
  imported: string[];
  /** Ids that were already here: the stored run is kept. */
  kept: string[];
}

export class RunStore {
  constructor(private readonly store: FileStore) {}

  /** Every stored run, oldest first. A damaged file becomes an error naming it. */
  async list(): Promise<LabRun[]> {
    const runs: LabRun[] = [];
    for (const name of await this.store.list()) {
      if (!name.endsWith('.json')) continue;
      const value = await readJson<unknown>(this.store, name);
      runs.push(checkRun(value, `${this.store.description}/${name}`));
    }
    return runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
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
    const existing = new Set((await this.list()).map((r) => r.id));
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
