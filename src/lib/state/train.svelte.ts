// The Train step's state: the hyperparameter form, the run in progress (driven by the training
// worker's events), and resuming a run that a closed tab, a reload or a crash interrupted.
// The run record is saved as it goes, so the loss curve survives with the checkpoint.
import type { StrategyName } from '../data/types';
import { SAVE_INTERVAL_MS, TRAIN_FORM_DEFAULTS } from '../lab-defaults';
import type { StepPoint, TrainRun } from '../runs/records';
import { newRunId, runPath } from '../runs/paths';
import { opfsFiles, opfsStore } from '../storage/opfs-store';
import { TrainWorkerClient } from '../clients/train-client';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/config';
import type { StepMetrics } from '../train/trainer';
import type { TrainSource, TrainWorkerEvent } from '../../../workers/protocol';
import { data, dataForm } from './data.svelte';
import { FIX_DATA_FIELDS_TEXT, FIX_FIELDS_TEXT, invalidFields, LORA_RULES, TRAIN_RULES } from './form-rules';
import { lab } from './lab.svelte';
import { session } from './session.svelte';

/** The form's starting values: the page's defaults, and the trainer's own for what they leave out. */
export const TRAIN_FORM_START = { ...TRAIN_FORM_DEFAULTS, gradientCheckpointing: TRAIN_DEFAULTS.gradientCheckpointing };

export const trainForm = $state({ ...TRAIN_FORM_START });

export type TrainPhase = 'idle' | 'starting' | 'running' | 'stopping';

function configFromForm(): Partial<TrainConfig> {
  const f = trainForm;
  return {
    mode: f.mode,
    lora: { rank: f.loraRank, alpha: f.loraAlpha } as TrainConfig['lora'],
    epochs: f.epochs,
    maxSteps: f.maxSteps,
    learningRate: f.learningRate,
    warmupSteps: f.warmupSteps,
    batchSize: f.batchSize,
    maxLength: dataForm.maxLength,
    evalEvery: f.evalSize > 0 ? f.evalEvery : 0,
    checkpointEvery: f.checkpointEvery,
    gradientCheckpointing: f.gradientCheckpointing,
    seed: f.seed,
  };
}

const point = (m: StepMetrics): StepPoint => ({
  step: m.step,
  loss: m.loss,
  learningRate: m.learningRate,
  tokensPerSecond: m.tokensPerSecond,
  ...(m.evalLoss !== undefined && { evalLoss: m.evalLoss }),
});

class TrainState {
  phase = $state<TrainPhase>('idle');
  error = $state<string | null>(null);
  /** The run shown: the one in progress, or the last one. */
  run = $state<TrainRun | null>(null);
  latest = $state.raw<StepMetrics | null>(null);
  estimate = $state<string | null>(null);
  log = $state<string[]>([]);
  /** The checkpoint step that the saved run record holds: shown only once a reload would find it. */
  savedCheckpointStep = $state(0);

  /** The form's number fields that are empty or out of range: Start stays disabled while any is. */
  invalid = $derived([...invalidFields(trainForm, TRAIN_RULES), ...(trainForm.mode === 'lora' ? invalidFields(trainForm, LORA_RULES) : [])]);
  /** A run is starting, going or stopping: the progress and charts go above the form. */
  active = $derived(this.phase !== 'idle');

  /** Runs a closed tab or a failure left with a checkpoint to continue from. */
  resumable = $derived(lab.trainRuns.filter((r) => (r.status === 'running' || r.status === 'paused' || r.status === 'failed') && r.checkpointStep > 0 && r.id !== this.run?.id));

  #client: TrainWorkerClient | null = null;
  #lastSave = 0;
  #waiters: ((run: TrainRun | null) => void)[] = [];

  /** Starts a run on the inspected data; resolves with the finished run, or null if it did not finish. */
  async start(strategy: StrategyName = trainForm.strategy): Promise<TrainRun | null> {
    const source = session.source;
    if (!source) return this.#refuse('Load a model in step 1 first.');
    if (!data.file) return this.#refuse('Choose and inspect the training data in step 2 first.');
    if (this.phase !== 'idle') return this.#refuse('A run is already going; pause or cancel it first.');
    if (this.invalid.length > 0) return this.#refuse(FIX_FIELDS_TEXT);
    if (data.invalid.length > 0) return this.#refuse(FIX_DATA_FIELDS_TEXT);
    const id = newRunId('train', strategy);
    const run: TrainRun = {
      kind: 'train',
      id,
      createdAt: new Date().toISOString(),
      model: { source: typeof source.model === 'string' ? source.model : null, description: session.model?.source ?? '' },
      data: { description: data.inspection?.source ?? data.file.name, storedAs: `${runPath(id, 'data')}/${data.file.name}` },
      strategy,
      config: configFromForm(),
      evalSize: trainForm.evalSize,
      promptStyle: data.style,
      status: 'running',
      totalSteps: 0,
      checkpointStep: 0,
      steps: [],
      exported: [],
    };
    this.#begin(run);
    try {
      // A copy of the data beside the checkpoint: a resume after a reload reads the same bytes.
      await (await opfsStore(runPath(id, 'data'))).write(data.file.name, new Uint8Array(await data.file.arrayBuffer()));
    } catch (e) {
      return this.#fail(`The training data could not be saved to browser storage: ${(e as Error).message}`);
    }
    await lab.save(run);
    this.#client!.start({ ...this.#source(run, data.file), config: run.config });
    return this.#finished();
  }

  /** Continues a run from its checkpoint, in a fresh worker. */
  async resume(run: TrainRun): Promise<TrainRun | null> {
    if (this.phase !== 'idle') return this.#refuse('A run is already going; pause or cancel it first.');
    if (run.model.source === null) return this.#refuse(`Run ${run.id} trained local model files, which a reloaded page cannot reopen; start a new run instead.`);
    const resumed: TrainRun = { ...run, status: 'running', error: undefined, steps: run.steps.filter((p) => p.step <= run.checkpointStep) };
    this.#begin(resumed);
    const folder = runPath(run.id, 'data');
    const file = (await opfsFiles(folder)).find((f) => resumed.data.storedAs.endsWith(`/${f.name}`));
    if (!file) return this.#fail(`The copy of the training data (${resumed.data.storedAs}) is gone from browser storage; start a new run.`);
    await lab.save(resumed);
    this.#client!.resume(this.#source(resumed, file));
    return this.#finished();
  }

  pause(): void {
    if (this.phase === 'running' || this.phase === 'starting') {
      this.phase = 'stopping';
      this.#client?.pause();
    }
  }

  cancel(): void {
    if (this.phase !== 'idle') {
      this.phase = 'stopping';
      this.#client?.cancel();
    }
  }

  #source(run: TrainRun, file: File): TrainSource {
    const source = session.source;
    return {
      runId: run.id,
      model: run.model.source ?? source!.model,
      data: file,
      strategy: run.strategy,
      promptStyle: run.promptStyle,
      evalSize: run.evalSize,
      ...(source?.backend && { backend: source.backend }),
      ...(source?.threads && { threads: source.threads }),
      ...(source?.endpoint && { endpoint: source.endpoint }),
      ...(source?.revision && { revision: source.revision }),
      ...(source?.force && { force: true }),
    };
  }

  #begin(run: TrainRun): void {
    this.#client?.terminate();
    Object.assign(this, { run, phase: 'starting', error: null, latest: null, estimate: null, log: [], savedCheckpointStep: run.checkpointStep });
    this.#client = new TrainWorkerClient((event) => void this.#handle(event));
  }

  #refuse(message: string): Promise<null> {
    this.error = message;
    return Promise.resolve(null);
  }

  async #fail(message: string): Promise<null> {
    this.error = message;
    this.phase = 'idle';
    if (this.run) {
      this.run.status = 'failed';
      this.run.error = message;
      await lab.save(this.run);
    }
    this.#client?.terminate();
    this.#client = null;
    this.#settle(null);
    return null;
  }

  #finished(): Promise<TrainRun | null> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #settle(run: TrainRun | null): void {
    for (const resolve of this.#waiters.splice(0)) resolve(run);
  }

  async #handle(event: TrainWorkerEvent): Promise<void> {
    const run = this.run;
    if (!run) return;
    switch (event.type) {
      case 'train-log':
        this.log.push(event.line);
        break;
      case 'train-backend':
        this.log.push(event.info.summary);
        break;
      case 'train-data':
        this.log.push(`data: ${event.report.kept} of ${event.report.read} records kept`);
        break;
      case 'train-estimate':
        this.estimate = event.text;
        break;
      case 'train-step': {
        if (this.phase === 'starting') this.phase = 'running';
        this.latest = event.metrics;
        run.totalSteps = event.metrics.totalSteps;
        run.steps.push(point(event.metrics));
        if (Date.now() - this.#lastSave > SAVE_INTERVAL_MS) {
          this.#lastSave = Date.now();
          await lab.save(run);
        }
        break;
      }
      case 'train-checkpoint':
        run.checkpointStep = event.step;
        if (await lab.save(run)) this.savedCheckpointStep = event.step;
        break;
      case 'train-done':
        run.status = event.status;
        run.exported = event.exported;
        if (event.status === 'paused') run.checkpointStep = event.steps;
        this.phase = 'idle';
        if (await lab.save(run)) this.savedCheckpointStep = run.checkpointStep;
        this.#client?.terminate();
        this.#client = null;
        this.#settle(event.status === 'done' ? $state.snapshot(run) : null);
        break;
      case 'train-error':
        await this.#fail(event.message);
        break;
    }
  }
}

export const train = new TrainState();
