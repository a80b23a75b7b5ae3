// One training run from start (or resume) to export, reporting as protocol events: load the model
// and tokenizer, prepare the data, estimate memory, train with checkpoints, export on completion.
// DOM-free so the CLI can reuse it: the event sink, the pause/cancel flag and the store factory
// (OPFS in the browser, a folder in Node) are injected.
import { initBackend, type BackendOptions } from '../../../models/backend';
import { fromPretrained } from '../../../models/from-pretrained';
import type { TrainDoneEvent, TrainResumeRequest, TrainStartRequest, TrainWorkerEvent } from '../../../workers/protocol';
import { resolvePromptStyle } from '../data/prompt-format';
import { isRunId, RUN_ID_RULE, runPath } from '../runs/paths';
import { readJson, writeJson, type FileStore } from '../storage/file-store';
import { trainConfig, type TrainConfig } from './config';
import { exportMergedModel, exportPeftAdapter } from './export';
import { describeTrainingEstimate, estimateTrainingMemory } from './memory';
import { prepareTrainingData } from './prepare';
import { Trainer, type Control, type TrainData } from './trainer';

export interface SessionHost {
  post(event: TrainWorkerEvent): void;
  /** Read between steps: the page's latest pause or cancel. */
  control(): Control;
  /** The store for a folder such as "runs/<id>/checkpoint". */
  storeFor(path: string): Promise<FileStore>;
  /** Passed to initBackend (the browser's wasm binary URLs). */
  backend?: BackendOptions;
}

/** runs/<id>/run.json: what a resume needs before the checkpoint is read (data length and seed). */
interface RunFile {
  config: TrainConfig;
  createdAt: string;
}

const RUN_FILE = 'run.json';

/** Rows of a micro-batch are padded to their longest example; packing fills them to maxLength. */
function rowLength(data: TrainData, c: TrainConfig): number {
  if (c.packing) return c.maxLength;
  // A loop, not Math.max(...): spreading a large dataset overflows the call stack.
  return Math.min(c.maxLength, data.train.reduce((m, e) => Math.max(m, e.ids.length), 1));
}

/** Where the run's config comes from: the request (start) or run.json (resume). */
async function runConfig(request: TrainStartRequest | TrainResumeRequest, runStore: FileStore): Promise<TrainConfig> {
  const saved = await readJson<RunFile>(runStore, RUN_FILE);
  if (request.type === 'train-resume') {
    if (!saved) throw new Error(`there is no run "${request.runId}" to resume (${runStore.description}/${RUN_FILE} is missing)`);
    return saved.config;
  }
  if (saved) throw new Error(`a run "${request.runId}" already exists (started ${saved.createdAt}); resume it or start with another id`);
  return trainConfig(request.config);
}

export async function runTrainingSession(request: TrainStartRequest | TrainResumeRequest, host: SessionHost): Promise<TrainDoneEvent> {
  const { post } = host;
  const log = (line: string) => post({ type: 'train-log', line });
  if (!isRunId(request.runId)) throw new Error(`run id "${request.runId}" ${RUN_ID_RULE}`);
  const runStore = await host.storeFor(runPath(request.runId));
  const config = await runConfig(request, runStore);

  post({ type: 'train-backend', info: await initBackend(request.backend, host.backend) });
  const { model, tokenizer, files } = await fromPretrained(request.model, { endpoint: request.endpoint, log });
  let trainer: Trainer | null = null;
  try {
    if (!tokenizer) throw new Error(`${files.description} has no tokenizer.json; training on text needs the model's tokenizer`);
    const style = resolvePromptStyle(tokenizer, request.promptStyle);
    log(`prompt style: ${style}`);
    const { data, report } = await prepareTrainingData(request.data, {
      strategy: request.strategy,
      tokenizer,
      style,
      maxLength: config.maxLength,
      evalSize: request.evalSize ?? 0,
      seed: config.seed,
    });
    post({ type: 'train-data', report });
    if (data.train.length > 0) {
      const estimate = estimateTrainingMemory(model.config, config, rowLength(data, config));
      post({ type: 'train-estimate', text: describeTrainingEstimate(estimate), bytes: estimate.totalBytes });
    }

    const checkpoints = await host.storeFor(runPath(request.runId, 'checkpoint'));
    if (request.type === 'train-resume') {
      trainer = await Trainer.resume(model, data, checkpoints);
      log(`resuming at step ${trainer.stepsDone} of ${trainer.totalSteps}`);
    } else {
      trainer = new Trainer(model, data, config, checkpoints);
      await writeJson(runStore, RUN_FILE, { config: trainer.config, createdAt: new Date().toISOString() } satisfies RunFile);
    }
    const result = await trainer.run({
      onStep: (metrics) => post({ type: 'train-step', metrics }),
      onCheckpoint: ({ step, store }) => post({ type: 'train-checkpoint', step, store }),
      control: host.control,
    });

    const exported: string[] = [];
    if (result.status === 'done') {
      const modelPath = runPath(request.runId, 'model');
      for (const name of await exportMergedModel(model, await host.storeFor(modelPath), { source: files })) exported.push(`${modelPath}/${name}`);
      if (model.adapters) {
        const adapterPath = runPath(request.runId, 'adapter');
        const baseModel = typeof request.model === 'string' ? request.model : files.description;
        for (const name of await exportPeftAdapter(model.adapters, await host.storeFor(adapterPath), { baseModel })) exported.push(`${adapterPath}/${name}`);
      }
      log(`exported ${exported.join(', ')}`);
    }
    const done: TrainDoneEvent = { type: 'train-done', status: result.status, steps: result.steps, peakBytes: result.peakBytes, exported };
    post(done);
    return done;
  } finally {
    trainer?.dispose();
    model.adapters?.dispose();
    model.dispose();
  }
}
