// The teacher worker: a thin shell that runs the pipeline's teacher (src/lib/pipeline/teach.ts)
// and model summarizer (src/lib/pipeline/summarize.ts) with their outputs in browser storage
// (OPFS, teach/<jobId>/), and turns teacher-stop (or the shared stop flag) into the flag the
// pipeline reads at every decode step.
import { wasmPaths } from '../models/backend-wasm-paths.browser';
import { runSummarize } from '../src/lib/pipeline/summarize';
import { runTeach } from '../src/lib/pipeline/teach';
import { isRunId, RUN_ID_RULE, SUMMARY_CACHE_PATH, teachPath } from '../src/lib/runs/paths';
import { opfsStore } from '../src/lib/storage/opfs-store';
import type { SummarizeStartRequest, TeachStartRequest, TeacherWorkerEvent, TeacherWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TeacherWorkerEvent) => scope.postMessage(event);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running = false;
let stopRequested = false;

function host(jobId: string, stopFlag: Int32Array | undefined) {
  if (!isRunId(jobId)) throw new Error(`job id "${jobId}" ${RUN_ID_RULE}`);
  const outFolder = teachPath(jobId);
  return {
    post,
    cancelled: () => stopRequested || (stopFlag !== undefined && Atomics.load(stopFlag, 0) !== 0),
    store: () => opfsStore(outFolder),
    outFolder,
    backend: { wasmPaths },
  };
}

function start(req: TeachStartRequest | SummarizeStartRequest): Promise<unknown> {
  if (req.type === 'teach-start') {
    const { type: _, jobId, stopFlag, ...spec } = req;
    return runTeach(spec, host(jobId, stopFlag));
  }
  const { type: _, jobId, stopFlag, ...spec } = req;
  return runSummarize(spec, { ...host(jobId, stopFlag), cache: () => opfsStore(SUMMARY_CACHE_PATH) });
}

scope.onmessage = async (e: MessageEvent<TeacherWorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'teacher-stop') {
      if (running) stopRequested = true;
    } else if (req.type === 'teach-start' || req.type === 'summarize-start') {
      if (running) throw new Error('A teacher job is already running in this worker; stop it first.');
      running = true;
      stopRequested = false;
      try {
        await start(req);
      } finally {
        running = false;
      }
    } else {
      throw new Error(`Unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
    }
  } catch (err) {
    post({ type: 'teacher-error', message: messageOf(err) });
  }
};
