// The experiment's lanes: tasks start in order of priority, never before the task they wait for,
// and a lane with nothing ready waits instead of finishing early. Each task here finishes only when
// the test says so, so the order is exact, not a race of timers.
import { describe, expect, it } from 'vitest';
import { runTasks, type Task } from '../scripts/experiment-schedule';

/** Tasks that record when they start and finish when `finish(name)` is called. */
function controlled() {
  const started: string[] = [];
  const finishers = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const task = (name: string, after: Task | null = null): Task => ({
    name,
    after,
    run: () =>
      new Promise<void>((resolve, reject) => {
        started.push(name);
        finishers.set(name, { resolve, reject });
      }),
  });
  // Lets the scheduler's promise callbacks run after a task settles.
  const settle = () => new Promise((r) => setImmediate(r));
  const finish = async (name: string) => {
    finishers.get(name)!.resolve();
    await settle();
  };
  const fail = async (name: string, message: string) => {
    finishers.get(name)!.reject(new Error(message));
    await settle();
  };
  return { started, task, finish, fail, settle };
}

describe('runTasks', () => {
  it("takes the fine-tunes first and a model's evals only once its fine-tune is done", async () => {
    const { started, task, finish, settle } = controlled();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => task(`train ${n}`));
    const tasks = [a, b, c, task('eval a', a), task('eval b', b), task('eval c', c), task('eval base')];
    const all = runTasks(tasks, 2);
    await settle();
    expect(started).toEqual(['train a', 'train b']);
    await finish('train b');
    // The third fine-tune outranks the ready evals of b and of the base model.
    expect(started).toEqual(['train a', 'train b', 'train c']);
    await finish('train a');
    expect(started.at(-1)).toBe('eval a');
    await finish('eval a');
    expect(started.at(-1)).toBe('eval b');
    await finish('eval b');
    // c still trains: the base model's evals go first.
    expect(started.at(-1)).toBe('eval base');
    await finish('eval base');
    expect(started).not.toContain('eval c');
    await finish('train c');
    expect(started.at(-1)).toBe('eval c');
    await finish('eval c');
    await expect(all).resolves.toBeUndefined();
  });

  it('keeps a lane waiting while nothing is ready, then gives it a task that became ready', async () => {
    const { started, task, finish, settle } = controlled();
    const train = task('train');
    const all = runTasks([train, task('eval 1', train), task('eval 2', train)], 2);
    await settle();
    expect(started).toEqual(['train']);
    await finish('train');
    // Both lanes take an eval: the one that waited did not give up.
    expect(started).toEqual(['train', 'eval 1', 'eval 2']);
    await finish('eval 1');
    await finish('eval 2');
    await expect(all).resolves.toBeUndefined();
  });

  it("rejects with a task's failure, and starts no task after it", async () => {
    const { started, task, fail, finish, settle } = controlled();
    const rejected = expect(runTasks([task('a'), task('b'), task('c')], 2)).rejects.toThrow('a: out of memory');
    await settle();
    await fail('a', 'a: out of memory');
    await finish('b');
    await rejected;
    expect(started).toEqual(['a', 'b']);
  });

  it('refuses tasks that wait for each other, or for one not in the list, instead of waiting forever', async () => {
    const { task } = controlled();
    const a = task('a');
    const b = task('b', a);
    a.after = b;
    await expect(runTasks([a, b], 2)).rejects.toThrow('a, b wait for each other');
    await expect(runTasks([task('eval', task('train'))], 2)).rejects.toThrow('eval waits for train, which is not among the tasks');
  });

  it.each([0, 1.5, Number.NaN])('refuses %s lanes', async (lanes) => {
    const { task } = controlled();
    await expect(runTasks([task('a')], lanes)).rejects.toThrow(`lanes must be a whole number of at least 1, not ${lanes}`);
  });
});
