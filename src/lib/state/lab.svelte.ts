// The lab's shared state: which step is open, and every run it remembers (browser storage,
// lab/runs/*.json), with export and import. The step modules add and update runs through here.
import type { EvalRun, LabRun, TrainRun } from '../runs/records';
import { RunStore, RUNS_FOLDER, type DamagedRunFile } from '../runs/store';
import { runPath } from '../runs/paths';
import { opfsStore, removeOpfsPath } from '../storage/opfs-store';

export const STEPS = ['Model', 'Data', 'Train', 'Evaluate', 'Compare'] as const;
export type StepName = (typeof STEPS)[number];

class Lab {
  step = $state<StepName>('Model');
  runs = $state<LabRun[]>([]);
  /** Stored run files that could not be read: the runs panel names them and offers to delete them. */
  damaged = $state<DamagedRunFile[]>([]);
  /** A problem with stored runs (no OPFS, a failed save or delete), shown in the runs panel. */
  storageError = $state<string | null>(null);
  /** The result of the latest import, for the runs panel. */
  importMessage = $state<string | null>(null);

  trainRuns = $derived(this.runs.filter((r): r is TrainRun => r.kind === 'train'));
  evalRuns = $derived(this.runs.filter((r): r is EvalRun => r.kind === 'eval'));

  #store: Promise<RunStore> | null = null;

  #writes: Promise<unknown> = Promise.resolve();

  #runStore(): Promise<RunStore> {
    this.#store ??= opfsStore(RUNS_FOLDER).then((s) => new RunStore(s));
    return this.#store;
  }

  async loadRuns(): Promise<void> {
    try {
      const { runs, damaged } = await (await this.#runStore()).read();
      Object.assign(this, { runs, damaged });
    } catch (e) {
      this.storageError = `Saved runs could not be read: ${(e as Error).message}`;
    }
  }

  /**
   * Adds or replaces the run in the list and in storage. Writes go one after another in the order
   * they were asked for, so an older snapshot never lands on top of a newer one. Resolves with
   * whether the write landed.
   */
  async save(run: LabRun): Promise<boolean> {
    const snapshot = $state.snapshot(run) as LabRun;
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = snapshot;
    else this.runs.push(snapshot);
    const write = this.#writes.then(async () => (await this.#runStore()).save(snapshot));
    this.#writes = write.catch(() => undefined);
    try {
      await write;
      return true;
    } catch (e) {
      this.storageError = `Run ${run.id} could not be saved: ${(e as Error).message}`;
      return false;
    }
  }

  /** Forgets the run and deletes its files (checkpoint, exports, eval outputs). */
  // The list drops an entry once its file is gone from storage, not before: a reload right after
  // the list changes must not bring it back.
  async remove(id: string): Promise<void> {
    try {
      await (await this.#runStore()).remove(id);
      this.runs = this.runs.filter((r) => r.id !== id);
      await removeOpfsPath(runPath(id));
    } catch (e) {
      this.storageError = `Run ${id} could not be deleted: ${(e as Error).message}`;
    }
  }

  /** Deletes a damaged run file, and the files of the run its name gives (checkpoint, exports, eval outputs). */
  async removeDamaged(file: DamagedRunFile): Promise<void> {
    try {
      await (await this.#runStore()).removeFile(file.name);
      this.damaged = this.damaged.filter((d) => d.name !== file.name);
      if (file.runId) await removeOpfsPath(runPath(file.runId));
    } catch (e) {
      this.storageError = `${file.path} could not be deleted: ${(e as Error).message}`;
    }
  }

  async exportBlob(): Promise<Blob> {
    return new Blob([await (await this.#runStore()).exportJson()], { type: 'application/json' });
  }

  async importFile(file: File): Promise<void> {
    this.importMessage = null;
    try {
      const result = await (await this.#runStore()).importJson(await file.text(), file.name);
      const kept = result.kept.length ? `; ${result.kept.length} already here and kept (${result.kept.join(', ')})` : '';
      this.importMessage = `Imported ${result.imported.length} run${result.imported.length === 1 ? '' : 's'} from ${file.name}${kept}.`;
      await this.loadRuns();
    } catch (e) {
      this.importMessage = (e as Error).message;
    }
  }
}

export const lab = new Lab();
