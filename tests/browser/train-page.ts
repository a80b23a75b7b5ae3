// Loaded by train.html: drives the training worker through TrainWorkerClient as the app will,
// watching the page's own thread meanwhile, and reads what a run left in browser storage.
import type { BackendInfo } from '../../models/backend';
import { opfsStore } from '../../src/lib/storage/opfs-store';
import { TrainWorkerClient } from '../../src/lib/clients/train-client';
import type { StepMetrics } from '../../src/lib/train/trainer';
import type { TrainDoneEvent, TrainSource, TrainStartRequest } from '../../workers/protocol';

export interface TrainRun {
  /** Start a run with `config`, or (without it) resume the run from its checkpoint. */
  source: TrainSource;
  config?: TrainStartRequest['config'];
  /** Send train-pause or train-cancel right after this step's train-step event. */
  stopAfterStep?: { step: number; how: 'pause' | 'cancel' };
}

export interface TrainRunResult {
  backend: BackendInfo | null;
  steps: StepMetrics[];
  checkpoints: number[];
  done: TrainDoneEvent | null;
  error: string | null;
  logs: string[];
  estimate: string | null;
  kept: number | null;
  /** Longest gap between ticks of a 20 ms interval on the page while the worker ran. */
  maxGapMs: number;
  /** Durations of the page's long tasks (> 50 ms) while the worker ran. */
  longTasksMs: number[];
  wallMs: number;
}

declare global {
  interface Window {
    trainTest?: {
      run(r: TrainRun): Promise<TrainRunResult>;
      /** Name and size of every file in an OPFS folder. */
      files(path: string): Promise<Record<string, number>>;
      readText(path: string, name: string): Promise<string | null>;
    };
  }
}

/** Watches the page's thread until stop(): timer gaps and long tasks. */
function watchThread(): () => { maxGapMs: number; longTasksMs: number[] } {
  const longTasksMs: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasksMs.push(e.duration)));
  observer.observe({ type: 'longtask' });
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 20);
  return () => {
    clearInterval(timer);
    observer.disconnect();
    return { maxGapMs, longTasksMs };
  };
}

/** One worker, from the request until train-done or train-error; then it is terminated (a closed tab). */
function run(r: TrainRun): Promise<TrainRunResult> {
  const started = performance.now();
  const stopWatching = watchThread();
  const result: Omit<TrainRunResult, 'maxGapMs' | 'longTasksMs' | 'wallMs'> = {
    backend: null, steps: [], checkpoints: [], done: null, error: null, logs: [], estimate: null, kept: null,
  };
  return new Promise((resolve) => {
    const finish = () => {
      client.terminate();
      resolve({ ...result, ...stopWatching(), wallMs: performance.now() - started });
    };
    const client = new TrainWorkerClient((e) => {
      if (e.type === 'train-backend') result.backend = e.info;
      else if (e.type === 'train-log') result.logs.push(e.line);
      else if (e.type === 'train-data') result.kept = e.report.kept;
      else if (e.type === 'train-estimate') result.estimate = e.text;
      else if (e.type === 'train-checkpoint') result.checkpoints.push(e.step);
      else if (e.type === 'train-step') {
        result.steps.push(e.metrics);
        if (e.metrics.step === r.stopAfterStep?.step) {
          if (r.stopAfterStep.how === 'pause') client.pause();
          else client.cancel();
        }
      } else if (e.type === 'train-done') {
        result.done = e;
        finish();
      } else if (e.type === 'train-error') {
        result.error = e.message;
        finish();
      }
    });
    if (r.config) client.start({ ...r.source, config: r.config });
    else client.resume(r.source);
  });
}

window.trainTest = {
  run,
  async files(path) {
    const store = await opfsStore(path);
    const out: Record<string, number> = {};
    for (const name of await store.list()) out[name] = (await store.read(name))!.length;
    return out;
  },
  async readText(path, name) {
    const bytes = await (await opfsStore(path)).read(name);
    return bytes && new TextDecoder().decode(bytes);
  },
};
