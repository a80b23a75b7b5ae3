// Loaded by eval.html: drives the evaluation worker through EvalWorkerClient as the app will,
// and reads what a run left in browser storage.
import type { BackendInfo } from '../../models/backend';
import { EvalWorkerClient } from '../../src/lib/clients/eval-client';
import { opfsStore } from '../../src/lib/storage/opfs-store';
import type { EvalDoneEvent, EvalStartRequest } from '../../workers/protocol';

export interface EvalRun {
  request: Omit<EvalStartRequest, 'type' | 'stopFlag'>;
  /** Send eval-cancel right after the first eval-progress event. */
  cancelOnFirstProgress?: boolean;
}

export interface EvalRunResult {
  backend: BackendInfo | null;
  logs: string[];
  progress: { done: number; total: number; fraction: number }[];
  done: EvalDoneEvent | null;
  error: string | null;
  wallMs: number;
}

declare global {
  interface Window {
    evalTest?: {
      run(r: EvalRun): Promise<EvalRunResult>;
      /** Names of the files in an OPFS folder. */
      list(path: string): Promise<string[]>;
      readText(path: string, name: string): Promise<string | null>;
    };
  }
}

/** One worker, from eval-start until eval-done or eval-error; then it is terminated. */
function run(r: EvalRun): Promise<EvalRunResult> {
  const started = performance.now();
  const result: Omit<EvalRunResult, 'wallMs'> = { backend: null, logs: [], progress: [], done: null, error: null };
  return new Promise((resolve) => {
    const finish = () => {
      client.terminate();
      resolve({ ...result, wallMs: performance.now() - started });
    };
    const client = new EvalWorkerClient((e) => {
      if (e.type === 'eval-backend') result.backend = e.info;
      else if (e.type === 'eval-log') result.logs.push(e.line);
      else if (e.type === 'eval-progress') {
        result.progress.push({ done: e.done, total: e.total, fraction: e.fraction });
        if (r.cancelOnFirstProgress && result.progress.length === 1) client.cancel();
      } else if (e.type === 'eval-done') {
        result.done = e;
        finish();
      } else if (e.type === 'eval-error') {
        result.error = e.message;
        finish();
      }
    });
    client.start(r.request);
  });
}

window.evalTest = {
  run,
  async list(path) {
    return (await opfsStore(path)).list();
  },
  async readText(path, name) {
    const bytes = await (await opfsStore(path)).read(name);
    return bytes && new TextDecoder().decode(bytes);
  },
};
