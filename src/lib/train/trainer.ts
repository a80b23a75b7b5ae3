// The SFT loop: masked cross-entropy, AdamW with warmup and decay, global-norm clipping, gradient
// accumulation, non-finite guards, held-out evaluation, and checkpoints from which a run resumes
// exactly (data order and dropout are pure functions of the seed and the step).
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaModel } from '../../../models/llama';
import { LoraAdapters } from '../../../models/lora';
import type { TokenizedExample } from '../data/tokenize';
import type { FileStore } from '../storage/file-store';
import { batchTensors, epochSteps, microBatches, trainRows, type MicroBatch } from './batches';
import { readCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint';
import { trainConfig, type TrainConfig } from './config';
import { maskedLoss } from './loss';
import { AdamW } from './optimizer';
import { learningRate } from './schedule';

export interface StepMetrics {
  /** Optimizer steps done, counting from 1. */
  step: number;
  totalSteps: number;
  epoch: number;
  /** Mean loss over this step's trained tokens. */
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Share of trained tokens whose argmax prediction was right. */
  accuracy: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
  /** Non-finite loss or gradient: the update was not applied. */
  skipped: boolean;
  evalLoss?: number;
  evalAccuracy?: number;
}

export type Control = 'continue' | 'pause' | 'cancel';

export interface TrainerHooks {
  onStep?(m: StepMetrics): void | Promise<void>;
  onCheckpoint?(info: { step: number; store: string }): void | Promise<void>;
  /** Asked between steps; 'pause' saves a checkpoint and returns, 'cancel' returns at once. */
  control?(): Control;
}

export interface TrainResult {
  status: 'done' | 'paused' | 'cancelled';
  steps: number;
  history: StepMetrics[];
  skippedSteps: number;
  /** Largest tfjs tensor memory seen (sampled at the end of each forward and backward pass), in bytes. */
  peakBytes: number;
}

export interface TrainData {
  train: TokenizedExample[];
  eval?: TokenizedExample[];
}

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** A short fingerprint of the training data: a resumed run must see the same examples. */
export function fingerprintExamples(examples: TokenizedExample[]): string {
  let h = 0x811c9dc5;
  for (const ex of examples) for (const id of ex.ids) h = Math.imul(h ^ id, 0x01000193) >>> 0;
  return `${examples.length}:${h.toString(16)}`;
}

/** Trainable tensors by name: every weight (full) or the LoRA matrices (PEFT-style names). */
export function trainableParams(model: LlamaModel): Map<string, tf.Variable> {
  if (!model.adapters) return new Map(model.weights);
  const out = new Map<string, tf.Variable>();
  for (const [module, layer] of model.adapters.layers) {
    out.set(`${module}.lora_A.weight`, layer.a);
    out.set(`${module}.lora_B.weight`, layer.b);
  }
  return out;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class Trainer {
  readonly config: TrainConfig;
  readonly params: Map<string, tf.Variable>;
  readonly optimizer: AdamW;
  readonly totalSteps: number;
  private readonly rows;
  private readonly stepsPerEpoch: number;
  private readonly evalBatches: MicroBatch[];
  private readonly dataFingerprint: string;
  // Position: optimizer steps done, and where in which epoch the next step starts.
  private step = 0;
  private epoch = 0;
  private stepInEpoch = 0;
  private nonFiniteRun = 0;
  private skippedSteps = 0;
  private elapsedMs = 0;
  private peakBytes = 0;
  readonly history: StepMetrics[] = [];

  constructor(
    readonly model: LlamaModel,
    data: TrainData,
    config: Partial<TrainConfig> = {},
    readonly store: FileStore | null = null,
  ) {
    this.config = trainConfig(config);
    if (data.train.length === 0) throw new TrainingError('no training examples: every record was skipped or the data is empty');
    if (this.config.mode === 'lora' && !model.adapters) model.adapters = LoraAdapters.create(model, this.config.lora, this.config.seed);
    if (this.config.mode === 'full' && model.adapters) throw new TrainingError('full fine-tuning of a model with LoRA adapters attached; detach them or use mode "lora"');
    this.params = trainableParams(model);
    this.optimizer = new AdamW([...this.params.values()], this.config);
    this.rows = trainRows(data.train, this.config);
    // Epoch 0's count: with a token budget per micro-batch, how rows are ordered changes it.
    this.stepsPerEpoch = epochSteps(this.rows, this.config, 0).length;
    this.totalSteps = this.config.maxSteps > 0 ? this.config.maxSteps : Math.ceil(this.config.epochs * this.stepsPerEpoch);
    this.evalBatches = data.eval?.length ? microBatches(trainRows(data.eval, { packing: false, maxLength: this.config.maxLength }), this.config) : [];
    this.dataFingerprint = fingerprintExamples(data.train);
  }

  /** A trainer positioned where the checkpoint in `store` left off (same data required). */
  static async resume(model: LlamaModel, data: TrainData, store: FileStore): Promise<Trainer> {
    const saved = await readCheckpoint(store);
    if (!saved) throw new TrainingError(`no checkpoint in ${store.description}`);
    const { state } = saved;
    if (state.config.mode === 'lora' && !model.adapters) model.adapters = LoraAdapters.create(model, state.config.lora, state.config.seed);
    const trainer = new Trainer(model, data, state.config, store);
    if (state.dataFingerprint !== trainer.dataFingerprint) {
      throw new TrainingError(`${store.description}: the checkpoint was made on other training data (${state.dataFingerprint}, now ${trainer.dataFingerprint}); resume with the same data and settings`);
    }
    saved.restore(trainer.params, trainer.optimizer);
    Object.assign(trainer, {
      step: state.step,
      epoch: state.epoch,
      stepInEpoch: state.stepInEpoch,
      nonFiniteRun: state.nonFiniteRun,
      skippedSteps: state.skippedSteps,
      elapsedMs: state.elapsedMs,
    });
    trainer.history.push(...state.history);
    return trainer;
  }

  get stepsDone(): number {
    return this.step;
  }

  async run(hooks: TrainerHooks = {}): Promise<TrainResult> {
    const result = (status: TrainResult['status']): TrainResult => ({
      status,
      steps: this.step,
      history: this.history,
      skippedSteps: this.skippedSteps,
      peakBytes: this.peakBytes,
    });
    let steps = epochSteps(this.rows, this.config, this.epoch);
    while (this.step < this.totalSteps) {
      const control = hooks.control?.() ?? 'continue';
      if (control === 'cancel') return result('cancelled');
      if (control === 'pause') {
        await this.checkpoint(hooks);
        return result('paused');
      }
      if (this.stepInEpoch >= steps.length) {
        this.epoch++;
        this.stepInEpoch = 0;
        steps = epochSteps(this.rows, this.config, this.epoch);
      }
      const metrics = await this.trainStep(steps[this.stepInEpoch]);
      this.stepInEpoch++;
      if (this.config.evalEvery > 0 && this.evalBatches.length && (this.step % this.config.evalEvery === 0 || this.step === this.totalSteps)) {
        Object.assign(metrics, await this.evaluate());
      }
      this.history.push(metrics);
      await hooks.onStep?.(metrics);
      if (this.config.checkpointEvery > 0 && this.step % this.config.checkpointEvery === 0 && this.step < this.totalSteps) await this.checkpoint(hooks);
      await nextTask(); // let worker messages (pause, cancel) in between steps
    }
    await this.checkpoint(hooks);
    return result('done');
  }

  /** One optimizer step over its micro-batches. */
  private async trainStep(batches: MicroBatch[]): Promise<StepMetrics> {
    const started = performance.now();
    const lr = learningRate(this.config, this.step, this.totalSteps);
    const totalTargets = batches.reduce((n, b) => n + b.targets.targets.length, 0);
    const vars = [...this.params.values()];
    const head = (this.model.weights.get('lm_head.weight') ?? this.model.weights.get('model.embed_tokens.weight')!) as tf.Tensor2D;
    let grads: tf.Tensor[] | null = null;
    let lossSum = 0;
    let correct = 0;
    for (const [micro, mb] of batches.entries()) {
      const t = batchTensors(mb);
      const side: { stats?: () => Promise<{ nll: number; correct: number }> } = {};
      const dropoutSeed = (Math.imul(this.config.seed + 1, 0x9e3779b1) + this.step * 1009 + micro * 7919) >>> 0;
      const { value, grads: g } = tf.variableGrads(() => {
        const { hidden } = this.model.forward(t.ids, {
          ...t.options,
          dropoutSeed,
          gradientCheckpointing: this.config.gradientCheckpointing,
        });
        const out = maskedLoss(hidden, head, mb.targets, { chunkRows: this.config.lossChunkRows, headTrainable: !this.model.adapters });
        side.stats = out.stats;
        // Every activation the backward pass needs is alive here: close to the step's peak.
        this.peakBytes = Math.max(this.peakBytes, tf.memory().numBytes);
        // Normalized by the whole step's targets, so micro-batches add up to one big batch.
        return out.loss.div(Math.max(1, totalTargets)) as tf.Scalar;
      }, vars);
      this.peakBytes = Math.max(this.peakBytes, tf.memory().numBytes);
      const s = await side.stats!();
      lossSum += s.nll;
      correct += s.correct;
      value.dispose();
      t.dispose();
      // variableGrads keys by the variables' own (tfjs) names; a variable the loss never reached gets zeros.
      const ordered = vars.map((v) => g[v.name] ?? tf.zerosLike(v));
      if (!grads) grads = ordered;
      else {
        const summed: tf.Tensor[] = grads.map((acc, i) => acc.add(ordered[i]));
        tf.dispose([...grads, ...ordered]);
        grads = summed;
      }
    }
    // A running sum, not tf.addN: webgl's AddN splits more inputs than one shader may read
    // (WEBGL_MAX_TEXTURES_IN_SHADER) and never frees the halves' sums, a GPU leak every step.
    const squared = tf.tidy(() => grads!.map((g) => g.square().sum()).reduce((a, b) => a.add(b)));
    const gradNorm = Math.sqrt((await squared.data())[0]);
    squared.dispose();
    const loss = lossSum / Math.max(1, totalTargets);
    const finite = Number.isFinite(loss) && Number.isFinite(gradNorm);
    if (finite) {
      const scale = this.config.maxGradNorm > 0 ? Math.min(1, this.config.maxGradNorm / (gradNorm + 1e-6)) : 1;
      const clipped = scale < 1 ? grads!.map((g) => g.mul(scale)) : grads!;
      this.optimizer.apply(clipped, lr);
      if (clipped !== grads) tf.dispose(clipped);
      this.nonFiniteRun = 0;
    } else {
      this.skippedSteps++;
      this.nonFiniteRun++;
    }
    tf.dispose(grads!);
    this.step++;
    if (this.nonFiniteRun >= this.config.maxNonFiniteSteps) {
      throw new TrainingError(
        `training stopped at step ${this.step}: the loss or gradient was not finite for ${this.nonFiniteRun} steps in a row. ` +
          `The learning rate (${this.config.learningRate}) is likely too high; lower it (e.g. ÷10) and start again.`,
      );
    }
    const ms = performance.now() - started;
    this.elapsedMs += ms;
    const tokens = batches.reduce((n, b) => n + b.tokens, 0);
    return {
      step: this.step,
      totalSteps: this.totalSteps,
      epoch: this.epoch,
      loss,
      learningRate: lr,
      gradNorm,
      accuracy: correct / Math.max(1, totalTargets),
      tokensPerSecond: tokens / (ms / 1000),
      elapsedSeconds: this.elapsedMs / 1000,
      etaSeconds: ((this.elapsedMs / this.step) * (this.totalSteps - this.step)) / 1000,
      skipped: !finite,
    };
  }

  /** Mean loss and accuracy on the held-out rows, without dropout or gradients. */
  async evaluate(): Promise<{ evalLoss: number; evalAccuracy: number }> {
    const head = (this.model.weights.get('lm_head.weight') ?? this.model.weights.get('model.embed_tokens.weight')!) as tf.Tensor2D;
    let nll = 0;
    let correct = 0;
    let count = 0;
    for (const mb of this.evalBatches) {
      const t = batchTensors(mb);
      const { hidden } = this.model.forward(t.ids, t.options);
      const out = maskedLoss(hidden, head, mb.targets, { chunkRows: this.config.lossChunkRows });
      const s = await out.stats();
      tf.dispose([out.loss, hidden]);
      t.dispose();
      nll += s.nll;
      correct += s.correct;
      count += s.count;
    }
    return { evalLoss: nll / Math.max(1, count), evalAccuracy: correct / Math.max(1, count) };
  }

  private async checkpoint(hooks: TrainerHooks): Promise<void> {
    if (!this.store) return;
    const state: CheckpointState = {
      config: this.config,
      step: this.step,
      totalSteps: this.totalSteps,
      epoch: this.epoch,
      stepInEpoch: this.stepInEpoch,
      nonFiniteRun: this.nonFiniteRun,
      skippedSteps: this.skippedSteps,
      elapsedMs: this.elapsedMs,
      dataFingerprint: this.dataFingerprint,
      history: this.history,
    };
    await writeCheckpoint(this.store, state, this.params, this.optimizer);
    await hooks.onCheckpoint?.({ step: this.step, store: this.store.description });
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
