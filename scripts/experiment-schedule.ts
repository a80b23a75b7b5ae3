// How `npm run experiment` shares its lanes: tasks in order of priority, each started once the task
// it waits for is done. A fine-tune's evals wait for it, so the lanes can take the base model's and
// the finished models' evals while the last fine-tune trains, instead of idling at the end.

export interface Task {
  name: string;
  /** The task that must finish first; null: ready at once. */
  after: Task | null;
  run: () => Promise<void>;
}

/**
 * Runs the tasks `lanes` at a time. A free lane takes the first ready task in the list, or waits
 * for a running one to finish when none is ready. The first failure rejects, and no task starts
 * after it. A task that waits for one not in the list, or for itself through others, is refused.
 */
export async function runTasks(tasks: readonly Task[], lanes: number): Promise<void> {
  if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`lanes must be a whole number of at least 1, not ${lanes}`);
  const unknown = tasks.find((t) => t.after !== null && !tasks.includes(t.after));
  if (unknown) throw new Error(`${unknown.name} waits for ${unknown.after!.name}, which is not among the tasks`);
  const pending = [...tasks];
  const done = new Set<Task>();
  let running = 0;
  let failure: unknown = null;
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiting) wake();
    waiting.clear();
  };
  const lane = async () => {
    while (pending.length > 0 && failure === null) {
      const next = pending.findIndex((t) => t.after === null || done.has(t.after));
      if (next < 0) {
        if (running === 0) {
          failure ??= new Error(`${pending.map((t) => t.name).join(', ')} wait for each other`);
          wakeAll();
          throw failure;
        }
        await new Promise<void>((wake) => waiting.add(wake));
        continue;
      }
      const [task] = pending.splice(next, 1);
      running++;
      try {
        await task.run();
        done.add(task);
      } catch (e) {
        failure ??= e;
        throw e;
      } finally {
        running--;
        wakeAll();
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
