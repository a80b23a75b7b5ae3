// What the lab remembers of each run: a training run (its config, its loss curve, where its
// checkpoint and export are) or an evaluation (its metrics and per-item outcomes). Plain JSON, so
// records persist in browser storage and travel as an export file.
import type { StrategyName } from '../data/types';
import type { SampleRecord, TaskMetrics } from '../eval/runner';
import type { ChatRule, TaskName } from '../eval/scoring';
import type { TrainConfig } from '../train/config';
import { isRunId, RUN_ID_RULE, runPath } from './paths';

export type TrainStatus = 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/** One optimizer step, as the charts draw it. */
export interface StepPoint {
  step: number;
  loss: number;
  learningRate: number;
  tokensPerSecond: number;
  evalLoss?: number;
}

export interface TrainRun {
  kind: 'train';
  id: string;
  createdAt: string;
  /** The base model: what the worker loads again on resume; null for picked local files. */
  model: { source: string | null; description: string };
  /** The training data, copied into browser storage at the start so a resume reads the same bytes. */
  data: { description: string; storedAs: string };
  strategy: StrategyName;
  /** The hyperparameters the run was started with (the rest are TRAIN_DEFAULTS). */
  config: Partial<TrainConfig>;
  evalSize: number;
  promptStyle: 'chat' | 'plain';
  status: TrainStatus;
  error?: string;
  totalSteps: number;
  /** The step the latest checkpoint holds (0: none yet). */
  checkpointStep: number;
  steps: StepPoint[];
  /** Storage paths of the exported model (and adapter) once done. */
  exported: string[];
}

/** One evaluated item, without its (long, few-shot) prompt. */
export interface ItemResult {
  id: number;
  question: string;
  /** The reference's final answer (after "####"), and its whole worked solution. */
  gold: string;
  solution: string;
  difficulty?: number;
  completion: string;
  /** What the strict rule extracted, and whether it matches. */
  strict: string;
  correct: 0 | 1;
  flexible: string;
  /** The chat task's extra rule: which one matched. */
  rule?: ChatRule | null;
}

export interface EvalRun {
  kind: 'eval';
  id: string;
  createdAt: string;
  /** "base" for the model as loaded, else the training run whose export was evaluated. */
  model: { label: string; trainRunId: string | null; strategy: StrategyName | 'base' };
  task: TaskName;
  /** The eval set, as the comparison's column heading, e.g. "synthetic n 50 seed 0". */
  dataLabel: string;
  metrics: TaskMetrics;
  /** Numeric gold: the tolerance its numeric_match metrics used (results.json's config.numeric_tolerance). */
  numericTolerance?: number;
  byDifficulty?: Record<string, TaskMetrics>;
  seconds: number;
  samples: ItemResult[];
}

export type LabRun = TrainRun | EvalRun;

/** GSM8K's final answer: what follows the last "####" (the whole text when there is none). */
export const finalAnswer = (solution: string) => (solution.includes('####') ? solution.slice(solution.lastIndexOf('####') + 4).trim() : solution.trim());

export function itemResult(s: SampleRecord): ItemResult {
  return {
    id: s.doc_id,
    question: s.doc.question,
    gold: finalAnswer(s.doc.answer),
    solution: s.doc.answer,
    ...(s.doc.difficulty !== undefined && { difficulty: s.doc.difficulty }),
    completion: s.completion,
    strict: s.filtered['strict-match'],
    correct: s.exact_match['strict-match'],
    flexible: s.filtered['flexible-extract'],
    ...(s.answer && { rule: s.answer.rule }),
  };
}

/** A finished training run whose model was exported to its folder (runs/<id>/model/): it can be loaded again. */
export const hasExportedModel = (run: TrainRun) => run.status === 'done' && run.exported.some((p) => p.startsWith(`${runPath(run.id, 'model')}/`));

export const strictAccuracy = (run: EvalRun) => ({
  accuracy: Number(run.metrics['exact_match,strict-match']),
  stderr: Number(run.metrics['exact_match_stderr,strict-match']),
});

// ---- reading records back (from storage or an imported file) ------------------------------------

const STATUSES: TrainStatus[] = ['running', 'paused', 'done', 'cancelled', 'failed'];

function need(ok: boolean, where: string, what: string): void {
  if (!ok) throw new Error(`${where}: ${what}`);
}

/** Checks the fields the app relies on; the error names the run and the field. */
export function checkRun(value: unknown, where: string): LabRun {
  need(typeof value === 'object' && value !== null && !Array.isArray(value), where, 'is not an object');
  const run = value as Record<string, unknown>;
  need(isRunId(run.id), where, `field "id" ${RUN_ID_RULE}`);
  const at = `${where} (id ${run.id})`;
  need(typeof run.createdAt === 'string', at, 'field "createdAt" must be a date string');
  if (run.kind === 'train') {
    need(typeof run.strategy === 'string', at, 'field "strategy" is missing');
    need(STATUSES.includes(run.status as TrainStatus), at, `field "status" must be one of ${STATUSES.join(', ')}`);
    need(Array.isArray(run.steps), at, 'field "steps" must be a list');
    need(typeof run.config === 'object' && run.config !== null, at, 'field "config" is missing');
  } else if (run.kind === 'eval') {
    need(typeof run.task === 'string', at, 'field "task" is missing');
    need(typeof run.metrics === 'object' && run.metrics !== null, at, 'field "metrics" is missing');
    need(Array.isArray(run.samples), at, 'field "samples" must be a list');
    need(typeof run.model === 'object' && run.model !== null, at, 'field "model" is missing');
  } else {
    throw new Error(`${at}: field "kind" must be "train" or "eval", not ${JSON.stringify(run.kind)}`);
  }
  return run as unknown as LabRun;
}
