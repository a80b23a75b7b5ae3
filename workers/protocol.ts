// The one message protocol between the page and its workers: the model worker
// (workers/model.worker.ts), the training worker (workers/train.worker.ts) and the evaluation
// worker (workers/eval.worker.ts).
// Requests go page → worker, events go worker → page; both are discriminated unions on `type`.
// Everything here must survive structured cloning: plain objects, arrays, File, SharedArrayBuffer.
import type { BackendInfo, BackendName } from '../models/backend';
import type { FinishReason } from '../models/generate';
import type { DataReport } from '../src/lib/data/report';
import type { StrategyName } from '../src/lib/data/types';
import type { EvalFieldMap } from '../src/lib/eval/data';
import type { EvalResults } from '../src/lib/eval/runner';
import type { TaskName } from '../src/lib/eval/scoring';
import type { TrainConfig } from '../src/lib/train/config';
import type { StepMetrics } from '../src/lib/train/trainer';

// ---- page → worker ----------------------------------------------------------------------------

export interface LoadRequest {
  type: 'load';
  /** A Hugging Face id, an http(s) URL to a model folder, a path on this site, or picked files. */
  source: string | File[];
  /** Omitted: the best available (webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** Hub revision (branch, tag or commit); default main. */
  revision?: string;
  /** Hub endpoint; default https://huggingface.co. */
  endpoint?: string;
}

export interface GenerateSettings {
  maxNewTokens: number;
  greedy: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stopStrings?: string[];
  /** Wrap a text prompt in the tokenizer's chat template as one user message. */
  useChatTemplate?: boolean;
}

export interface GenerateRequest {
  type: 'generate';
  /** Text (needs a tokenizer), or token ids as they are. */
  prompt: string | number[];
  options: GenerateSettings;
  /**
   * Optional stop flag: an Int32Array over a SharedArrayBuffer that the page sets to 1 to stop.
   * Needed on the wasm and cpu backends, whose decode loop never yields to the worker's message
   * queue, so a `stop` message would only be read after generation ends.
   */
  stopFlag?: Int32Array;
}

export interface StopRequest {
  type: 'stop';
}

export type WorkerRequest = LoadRequest | GenerateRequest | StopRequest;

// ---- worker → page ----------------------------------------------------------------------------

export interface ModelSummary {
  architecture: string;
  parameters: number;
  /** Weights plus KV cache for `contextLength` tokens, in bytes (float32). */
  estimateBytes: number;
  weightBytes: number;
  contextLength: number;
  vocabSize: number;
  bosTokenId: number | null;
  hasTokenizer: boolean;
  hasChatTemplate: boolean;
  /** Where the model came from, e.g. "hub model org/name@main (https://huggingface.co)". */
  source: string;
}

export interface GenerationStats {
  promptTokens: number;
  generatedTokens: number;
  /** Generated tokens over the whole generation time, prefill included. */
  tokensPerSecond: number;
  prefillMs: number;
  decodeMs: number;
  finishReason: FinishReason;
}

export type WorkerEvent =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'progress'; file: string; loaded: number; total: number | null; cached: boolean }
  | { type: 'log'; line: string }
  | { type: 'loaded'; summary: ModelSummary }
  /** One generated token; `text` is the text it adds ('' without a tokenizer, or mid-character). */
  | { type: 'token'; id: number; text: string }
  /** `text` is the final decoded text (cut at a stop string), when there is a tokenizer. */
  | { type: 'done'; stats: GenerationStats; ids: number[]; text?: string }
  | { type: 'error'; message: string; during: 'load' | 'generate' | 'message' };

// ==== the training worker =======================================================================

// ---- page → worker ----------------------------------------------------------------------------

/** What a run trains on; a resume must name the same model, data and data options. */
export interface TrainSource {
  /** Names the run's folder in browser storage: runs/<runId>/… (letters, digits, . _ -). */
  runId: string;
  /** A Hugging Face id, an http(s) URL to a model folder, a path on this site, or picked files. */
  model: string | File[];
  /** A JSONL, JSON or Parquet file: an http(s) URL, a path on this site, or a picked file. */
  data: string | File;
  strategy: StrategyName;
  /** Omitted: the best available (webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** Hub endpoint; default https://huggingface.co. */
  endpoint?: string;
  /** Default 'auto': the chat template when the tokenizer has one. */
  promptStyle?: 'auto' | 'chat' | 'plain';
  /** Examples held out for the eval loss; default 0. */
  evalSize?: number;
}

export interface TrainStartRequest extends TrainSource {
  type: 'train-start';
  config: Partial<TrainConfig>;
}

/** Loads the model and data again, then continues from runs/<runId>/checkpoint. */
export interface TrainResumeRequest extends TrainSource {
  type: 'train-resume';
}

/** Stop after the current step, saving a checkpoint; ends with train-done status 'paused'. */
export interface TrainPauseRequest {
  type: 'train-pause';
}

/** Stop after the current step without saving; ends with train-done status 'cancelled'. */
export interface TrainCancelRequest {
  type: 'train-cancel';
}

export type TrainWorkerRequest = TrainStartRequest | TrainResumeRequest | TrainPauseRequest | TrainCancelRequest;

// ---- worker → page ----------------------------------------------------------------------------

export interface TrainDoneEvent {
  type: 'train-done';
  status: 'done' | 'paused' | 'cancelled';
  /** Optimizer steps done in the run so far (all sessions together). */
  steps: number;
  /** Largest tfjs tensor memory seen in this session, in bytes. */
  peakBytes: number;
  /** Storage paths written on completion: runs/<id>/model/…, and runs/<id>/adapter/… for LoRA. */
  exported: string[];
}

export type TrainWorkerEvent =
  | { type: 'train-backend'; info: BackendInfo }
  | { type: 'train-log'; line: string }
  | { type: 'train-data'; report: DataReport }
  /** The memory a run needs, as a sentence and as a byte total. */
  | { type: 'train-estimate'; text: string; bytes: number }
  | { type: 'train-step'; metrics: StepMetrics }
  /** `store` describes where it went, e.g. "browser storage (OPFS) runs/a/checkpoint". */
  | { type: 'train-checkpoint'; step: number; store: string }
  | TrainDoneEvent
  | { type: 'train-error'; message: string };

// ==== the evaluation worker =====================================================================

// ---- page → worker ----------------------------------------------------------------------------

/** Where the eval items come from; all in GSM8K's schema ({question, answer ending "#### N"}). */
export type EvalDataSource =
  /** The synthetic teacher's held-out split. */
  | { kind: 'synth'; n: number; seed: number; difficulty?: number | [number, number] }
  /** A JSONL, JSON or Parquet file: an http(s) URL or a path on this site. */
  | { kind: 'url'; url: string }
  /** openai/gsm8k's Parquet file of a split, from the hub at `endpoint`. */
  | { kind: 'hub'; split: 'test' | 'train' }
  | { kind: 'file'; file: File };

export interface EvalStartRequest {
  type: 'eval-start';
  /** The outputs go to runs/<runId>/eval/<task>/ in browser storage (letters, digits, . _ -). */
  runId: string;
  /** A Hugging Face id, an http(s) URL to a model folder, a path on this site, or picked files. */
  model: string | File[];
  data: EvalDataSource;
  task: TaskName;
  /** The first N items; with `subsetSeed` (url, hub and file data), N items drawn with that seed. */
  limit?: number;
  subsetSeed?: number;
  batchSize?: number;
  maxNewTokens?: number;
  /** The chat task's prompt format; default 'auto': the chat template when the tokenizer has one. */
  promptStyle?: 'auto' | 'chat' | 'plain';
  /** Omitted: the best available (webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** Hub endpoint, for the model and for hub data; default https://huggingface.co. */
  endpoint?: string;
  fieldMap?: EvalFieldMap;
  /**
   * gsm8k: a GSM8K-schema train file (URL or site path) its 5-shot exemplars are drawn from.
   * Required with url and file data; synth and hub data default to their own train split.
   */
  fewshotUrl?: string;
  /**
   * Optional cancel flag: an Int32Array over a SharedArrayBuffer that the page sets to 1. On the
   * wasm and cpu backends the eval loop never yields to the worker's message queue, so only this
   * flag is seen before the run ends; it is read after every batch.
   */
  stopFlag?: Int32Array;
}

/** Stop after the current batch; the run ends with eval-error "evaluation cancelled" and writes nothing. */
export interface EvalCancelRequest {
  type: 'eval-cancel';
}

export type EvalWorkerRequest = EvalStartRequest | EvalCancelRequest;

// ---- worker → page ----------------------------------------------------------------------------

export interface EvalDoneEvent {
  type: 'eval-done';
  /** results.json's content: the harness's metric keys per task, the config and the timing. */
  results: EvalResults;
  /** Storage paths written: runs/<id>/eval/<task>/results.json and samples.jsonl. */
  stored: string[];
}

export type EvalWorkerEvent =
  | { type: 'eval-backend'; info: BackendInfo }
  | { type: 'eval-log'; line: string }
  /** Items done after each batch (batches run longest prompt first). */
  | { type: 'eval-progress'; done: number; total: number }
  | EvalDoneEvent
  | { type: 'eval-error'; message: string };
