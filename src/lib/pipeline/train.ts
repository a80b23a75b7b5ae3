// One training run from start (or resume) to export, reporting as events: load the model and
// tokenizer, prepare the data, check the memory, train with checkpoints, export on completion.
// The page's training worker, the CLI's `train` and the experiment all run this; each brings a
// host: where the run's folders are (OPFS in the browser, a folder in Node), where events go, and
// the pause/cancel flag.
import { backendCapacity, initBackend, type BackendInfo, type BackendName, type BackendOptions } from '../../../models/backend';
import type { ModelSource } from '../../../models/files';
import { fromPretrained } from '../../../models/from-pretrained';
import { resolvePromptStyle } from '../data/prompt-format';
import { describeSource, type DataSource } from '../data/readers';
import type { FieldMap } from '../data/records';
import type { DataReport } from '../data/report';
import type { StrategyName } from '../data/types';
import { readJson, writeJson, type FileStore } from '../storage/file-store';
import { trainConfig, type TrainConfig } from '../train/config';
import { exportMergedModel, exportPeftAdapter } from '../train/export';
import { checkTrainingFits, describeTrainingEstimate } from '../train/memory';
import { prepareTrainingData } from '../train/prepare';
import { fingerprintExamples, Trainer, type Control, type StepMetrics, type TrainData } from '../train/trainer';
import { DATA_DEFAULTS, type PromptStyleChoice } from './defaults';

/** What a run trains on: the model, the data and how the data becomes examples. */
export interface TrainSpec {
  /** A Hugging Face id, an http(s) URL to a model folder, a site path, a folder (Node), or picked files. */
  model: ModelSource;
  /** A JSONL, JSON or Parquet file: a path (Node), an http(s) URL, a site path, or a File. */
  data: DataSource;
  strategy?: StrategyName;
  promptStyle?: PromptStyleChoice;
  fieldMap?: FieldMap;
  /** Examples held out for the eval loss. */
  evalSize?: number;
  /** Omitted: the best available. */
  backend?: BackendName;
  /** wasm threads; omitted: host.backend's, else every logical core. */
  threads?: number;
  /** Hub endpoint and revision, for hub ids. */
  endpoint?: string;
  revision?: string;
  /** Load the model even when its estimate is over what the device reports (the user said so). */
  force?: boolean;
}

/** The folders of a run: its own ('' holds run.json), the checkpoint and the exports. */
export type RunPart = '' | 'checkpoint' | 'model' | 'adapter';

export interface TrainHost {
  post(event: TrainEvent): void;
  /** Read between steps: 'pause' saves a checkpoint and stops, 'cancel' stops. */
  control(): Control;
  store(part: RunPart): Promise<FileStore>;
  /** The run's folder in words for paths: "runs/<id>" in browser storage, RUN_DIR in Node. */
  runFolder: string;
  /** Passed to initBackend (the browser's wasm binary URLs). */
  backend?: BackendOptions;
}

export interface TrainDoneEvent {
  type: 'train-done';
  status: 'done' | 'paused' | 'cancelled';
  /** Optimizer steps done in the run so far (all sessions together). */
  steps: number;
  /** Largest tfjs tensor memory seen in this session, in bytes. */
  peakBytes: number;
  /** Paths written on completion: <runFolder>/model/…, and <runFolder>/adapter/… for LoRA. */
  exported: string[];
}

export type TrainEvent =
  | { type: 'train-backend'; info: BackendInfo }
  | { type: 'train-log'; line: string }
  | { type: 'train-data'; report: DataReport }
  /** The memory a run needs, as a sentence and as a byte total. */
  | { type: 'train-estimate'; text: string; bytes: number }
  | { type: 'train-step'; metrics: StepMetrics }
  /** `store` describes where it went, e.g. "browser storage (OPFS) runs/a/checkpoint". */
  | { type: 'train-checkpoint'; step: number; store: string }
  | TrainDoneEvent;

/** run.json: what the run trains on, so that a resume needs nothing but the run's folder. */
export interface RunFile {
  createdAt: string;
  /** The model as given (null: picked files, which a resume must be given again), and in words. */
  model: string | null;
  modelDescription: string;
  /** The data as given (null: a picked file, which a resume must be given again), and in words. */
  data: string | null;
  dataDescription: string;
  /** The tokenized training examples' fingerprint: a resume refuses data that changed. */
  dataFingerprint: string;
  strategy: StrategyName;
  promptStyle: PromptStyleChoice;
  fieldMap?: FieldMap;
  evalSize: number;
  endpoint?: string;
  revision?: string;
  config: TrainConfig;
}

export const RUN_FILE = 'run.json';

/**
 * Rows of a micro-batch are padded to their longest example; packing fills them to maxLength.
 * Padding-free micro-batches hold at most as many tokens, so the same length bounds them.
 */
function rowLength(data: TrainData, c: TrainConfig): number {
  if (c.packing) return c.maxLength;
  // A loop, not Math.max(...): spreading a large dataset overflows the call stack.
  return Math.min(c.maxLength, data.train.reduce((m, e) => Math.max(m, e.ids.length), 1));
}

/** Reads a run's run.json; the error says what to do when there is none. */
export async function readRunFile(host: Pick<TrainHost, 'store'>): Promise<RunFile> {
  const runStore = await host.store('');
  const saved = await readJson<RunFile>(runStore, RUN_FILE);
  if (!saved) throw new Error(`there is no run to resume in ${runStore.description} (${RUN_FILE} is missing); start a run there first`);
  return saved;
}

/** Starts a new run in the host's run folder (which must not hold one yet). */
export async function startTraining(spec: TrainSpec, config: Partial<TrainConfig>, host: TrainHost): Promise<TrainDoneEvent> {
  const runStore = await host.store('');
  const existing = await readJson<RunFile>(runStore, RUN_FILE);
  if (existing) throw new Error(`${runStore.description} already holds a run (started ${existing.createdAt}); resume it, or start in another folder`);
  return runTraining({ spec, config: trainConfig(config) }, host);
}

/**
 * Continues the run in the host's folder from its checkpoint, on the model and data that run.json
 * records. `given` supplies what run.json cannot (picked files) or moves it (a renamed file);
 * the data must still give the same examples.
 */
export async function resumeTraining(host: TrainHost, given: Partial<Pick<TrainSpec, 'model' | 'data' | 'backend' | 'force'>> = {}): Promise<TrainDoneEvent> {
  const saved = await readRunFile(host);
  const model = given.model ?? saved.model;
  const data = given.data ?? saved.data;
  if (model === null) throw new Error(`the run trained ${saved.modelDescription}, picked as local files; pick the same files again to resume`);
  if (data === null) throw new Error(`the run trained on ${saved.dataDescription}, a picked file; pick it again to resume`);
  const spec: TrainSpec = { ...saved, model, data, backend: given.backend, force: given.force };
  return runTraining({ spec, config: saved.config, resume: saved }, host);
}

async function runTraining(run: { spec: TrainSpec; config: TrainConfig; resume?: RunFile }, host: TrainHost): Promise<TrainDoneEvent> {
  const { spec, config } = run;
  const { post } = host;
  const log = (line: string) => post({ type: 'train-log', line });
  post({ type: 'train-backend', info: await initBackend(spec.backend, { ...host.backend, ...(spec.threads && { threads: spec.threads }) }) });
  const { model, tokenizer, files } = await fromPretrained(spec.model, { endpoint: spec.endpoint, revision: spec.revision, log, memory: { force: spec.force } });
  let trainer: Trainer | null = null;
  try {
    if (!tokenizer) throw new Error(`${files.description} has no tokenizer.json; training on text needs the model's tokenizer`);
    const strategy = spec.strategy ?? DATA_DEFAULTS.strategy;
    const promptStyle = spec.promptStyle ?? DATA_DEFAULTS.promptStyle;
    const evalSize = spec.evalSize ?? DATA_DEFAULTS.evalSize;
    const style = resolvePromptStyle(tokenizer, promptStyle);
    log(`prompt style: ${style}`);
    const { data, report } = await prepareTrainingData(spec.data, { strategy, fieldMap: spec.fieldMap, tokenizer, style, maxLength: config.maxLength, evalSize, seed: config.seed });
    post({ type: 'train-data', report });
    const fingerprint = fingerprintExamples(data.train);
    if (run.resume && run.resume.dataFingerprint !== fingerprint) {
      throw new Error(
        `the training data changed since the run started: ${describeSource(spec.data)} now gives ${data.train.length} examples (fingerprint ${fingerprint}), ` +
          `the run started on ${run.resume.dataDescription} (fingerprint ${run.resume.dataFingerprint}); restore that data, or start a new run`,
      );
    }
    if (data.train.length > 0) {
      // Refused here, before the trainer allocates gradients, moments and activations.
      const estimate = checkTrainingFits(model.config, config, rowLength(data, config), await backendCapacity());
      post({ type: 'train-estimate', text: describeTrainingEstimate(estimate), bytes: estimate.totalBytes });
    }

    const checkpoints = await host.store('checkpoint');
    if (run.resume) {
      trainer = await Trainer.resume(model, data, checkpoints);
      log(`resuming at step ${trainer.stepsDone} of ${trainer.totalSteps}`);
    } else {
      trainer = new Trainer(model, data, config, checkpoints);
      const runFile: RunFile = {
        createdAt: new Date().toISOString(),
        model: typeof spec.model === 'string' ? spec.model : null,
        modelDescription: files.description,
        data: typeof spec.data === 'string' ? spec.data : null,
        dataDescription: describeSource(spec.data),
        dataFingerprint: fingerprint,
        strategy,
        promptStyle,
        ...(spec.fieldMap && { fieldMap: spec.fieldMap }),
        evalSize,
        ...(spec.endpoint && { endpoint: spec.endpoint }),
        ...(spec.revision && { revision: spec.revision }),
        config: trainer.config,
      };
      await writeJson(await host.store(''), RUN_FILE, runFile);
    }
    const result = await trainer.run({
      onStep: (metrics) => post({ type: 'train-step', metrics }),
      onCheckpoint: ({ step, store }) => post({ type: 'train-checkpoint', step, store }),
      control: host.control,
    });

    const exported: string[] = [];
    if (result.status === 'done') {
      for (const name of await exportMergedModel(model, await host.store('model'), { source: files })) exported.push(`${host.runFolder}/model/${name}`);
      if (model.adapters) {
        const baseModel = typeof spec.model === 'string' ? spec.model : files.description;
        for (const name of await exportPeftAdapter(model.adapters, await host.store('adapter'), { baseModel })) exported.push(`${host.runFolder}/adapter/${name}`);
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
