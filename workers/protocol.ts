// The one message protocol between the page and its workers: the model worker
// (workers/model.worker.ts), the data worker (workers/data.worker.ts), the training worker
// (workers/train.worker.ts), the evaluation worker (workers/eval.worker.ts) and the teacher
// worker (workers/teacher.worker.ts).
// Requests go page → worker, events go worker → page; both are discriminated unions on `type`.
// Everything here must survive structured cloning: plain objects, arrays, File, SharedArrayBuffer.
// The payloads are the pipeline's own types (src/lib/pipeline): this file imports them, and the
// core never imports this file, so the worker wraps what the CLI runs without a second copy.
import type { BackendInfo, BackendName } from '../models/backend';
import type { FinishReason } from '../models/generate';
import type { EvalEvent, EvalSpec } from '../src/lib/pipeline/evaluate';
import type { RecipeRequest } from '../src/lib/pipeline/export-recipe';
import type { InspectEvent, InspectSpec } from '../src/lib/pipeline/inspect';
import type { SummarizeEvent, SummarizeSpec } from '../src/lib/pipeline/summarize';
import type { TeachEvent, TeachSpec } from '../src/lib/pipeline/teach';
import type { TrainEvent, TrainSpec } from '../src/lib/pipeline/train';
import type { TrainConfig } from '../src/lib/train/config';

export type { EvalDataSource, TrainDataSource } from '../src/lib/pipeline/sources';
export type { TrainDoneEvent } from '../src/lib/pipeline/train';
export type { EvalDoneEvent } from '../src/lib/pipeline/evaluate';
export type { SummarizeDoneEvent } from '../src/lib/pipeline/summarize';
export type { TeachDoneEvent } from '../src/lib/pipeline/teach';

// ---- page → worker ----------------------------------------------------------------------------

export interface LoadRequest {
  type: 'load';
  /** A Hugging Face id, an http(s) URL to a model folder, a path on this site, or picked files. */
  source: string | File[];
  /** Omitted: the best available (see initBackend). */
  backend?: BackendName;
  /** wasm threads; omitted: every logical core. */
  threads?: number;
  /** Hub revision (branch, tag or commit); default main. */
  revision?: string;
  /** Hub endpoint; default https://huggingface.co. */
  endpoint?: string;
  /** Allocate even when the memory estimate exceeds what the device reports (after load-needs-consent). */
  force?: boolean;
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
  /** Nothing was allocated: the estimate exceeds what the device reports; load again with force to go on. */
  | { type: 'load-needs-consent'; estimateBytes: number; availableBytes: number; message: string }
  /** One generated token; `text` is the text it adds ('' without a tokenizer, or mid-character). */
  | { type: 'token'; id: number; text: string }
  /** `text` is the final decoded text (cut at a stop string), when there is a tokenizer. */
  | { type: 'done'; stats: GenerationStats; ids: number[]; text?: string }
  | { type: 'error'; message: string; during: 'load' | 'generate' | 'message' };

// ==== the data worker ===========================================================================

// ---- page → worker ----------------------------------------------------------------------------

/** Reads the data under every strategy; lengths in the model's tokens when `model` is given. */
export interface DataInspectRequest extends InspectSpec {
  type: 'data-inspect';
}

/** The recipe of training runs in browser storage (runs/<id>/…), for axolotl, TRL, LLaMA-Factory and lm_eval. */
export interface RecipeExportRequest extends RecipeRequest {
  type: 'recipe-export';
}

export type DataWorkerRequest = DataInspectRequest | RecipeExportRequest;

// ---- worker → page ----------------------------------------------------------------------------

export type DataWorkerEvent =
  | InspectEvent
  /** The recipe as a zip (the same bytes as the CLI's export-recipe --zip), and its files' paths. */
  | { type: 'recipe-exported'; zip: Uint8Array; files: string[] }
  | { type: 'data-error'; message: string };

// ==== the training worker =======================================================================

// ---- page → worker ----------------------------------------------------------------------------

/** A run in browser storage and what it trains on (the pipeline's TrainSpec). */
export interface TrainSource extends TrainSpec {
  /** Names the run's folder in browser storage: runs/<runId>/… (letters, digits, . _ -). */
  runId: string;
}

export interface TrainStartRequest extends TrainSource {
  type: 'train-start';
  config: Partial<TrainConfig>;
}

/**
 * Continues runs/<runId> from its checkpoint. The model, data and backend given here replace what
 * run.json records (the page gives the copy of the data it keeps beside the checkpoint); the data
 * must still give the same examples.
 */
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

export type TrainWorkerEvent = TrainEvent | { type: 'train-error'; message: string };

// ==== the evaluation worker =====================================================================

// ---- page → worker ----------------------------------------------------------------------------

/** The pipeline's EvalSpec, run in browser storage. */
export interface EvalStartRequest extends EvalSpec {
  type: 'eval-start';
  /** The outputs go to runs/<runId>/eval/<task>/ in browser storage (letters, digits, . _ -). */
  runId: string;
  /**
   * Optional cancel flag: an Int32Array over a SharedArrayBuffer that the page sets to 1. On the
   * wasm and cpu backends the eval loop never yields to the worker's message queue, so only this
   * flag is seen before the run ends; it is read at every decode step.
   */
  stopFlag?: Int32Array;
}

/** Stop within the current batch; the run ends with eval-error "evaluation cancelled" and writes nothing. */
export interface EvalCancelRequest {
  type: 'eval-cancel';
}

export type EvalWorkerRequest = EvalStartRequest | EvalCancelRequest;

// ---- worker → page ----------------------------------------------------------------------------

export type EvalWorkerEvent = EvalEvent | { type: 'eval-error'; message: string };

// ==== the teacher worker ========================================================================

// ---- page → worker ----------------------------------------------------------------------------

/** The pipeline's TeachSpec; outputs in teach/<jobId>/ in browser storage, resumed when it has some. */
export interface TeachStartRequest extends TeachSpec {
  type: 'teach-start';
  /** Names the job's folder: letters, digits, . _ - */
  jobId: string;
  /** Optional stop flag over a SharedArrayBuffer, read at every decode step (see EvalStartRequest). */
  stopFlag?: Int32Array;
}

/** The pipeline's SummarizeSpec; summarized.jsonl goes to teach/<jobId>/, the cache is shared. */
export interface SummarizeStartRequest extends SummarizeSpec {
  type: 'summarize-start';
  jobId: string;
  stopFlag?: Int32Array;
}

/** Stop the job now: the batch in flight is dropped; what was saved stays and resumes. */
export interface TeacherStopRequest {
  type: 'teacher-stop';
}

export type TeacherWorkerRequest = TeachStartRequest | SummarizeStartRequest | TeacherStopRequest;

// ---- worker → page ----------------------------------------------------------------------------

export type TeacherWorkerEvent = TeachEvent | SummarizeEvent | { type: 'teacher-error'; message: string };
