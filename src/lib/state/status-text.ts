// The status lines the page shows while something runs: the demo's, and the evaluation's progress.
// DOM-free, so the exact text a user reads is tested in Node.

/** "42 s", or "3 min" from 90 s on. */
export function formatDuration(seconds: number): string {
  return seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}

export interface DemoProgress {
  running: boolean;
  /** What the demo is doing (while running), e.g. "Fine-tuning on answers only…". */
  stage: string;
  /** The step it was in, e.g. "Train"; null before it started. */
  step: string | null;
  /** Why it stopped, when it did not finish. */
  error: string | null;
  /** How long it ran, once it ended. */
  seconds: number | null;
}

/**
 * The demo's status line: what it is doing while it runs; once it has ended, that it is done or
 * where it stopped (never the stage it was in as if it still ran). Null before the first run.
 */
export function demoStatus(d: DemoProgress): string | null {
  const took = d.seconds === null ? '' : ` after ${formatDuration(d.seconds)}`;
  if (d.running) return d.stage || 'Starting…';
  if (d.error !== null) return `Stopped${d.step ? ` in the ${d.step} step` : ''}${took}.`;
  if (d.seconds !== null) return `Done in ${Math.round(d.seconds)} s`;
  return null;
}

export interface EvalProgress {
  done: number;
  total: number;
  /** Of the whole work, 0–1, counting tokens decoded inside the batch in progress. */
  fraction: number;
  elapsedSeconds: number;
  etaSeconds: number | null;
}

/** The evaluation's status line, e.g. "Evaluating: 3 of 8 items done (45%) · 12 s elapsed · about 15 s left". */
export function evalProgressText(p: EvalProgress): string {
  if (p.total === 0) return 'Evaluating: loading the model and the eval items…';
  const percent = Math.floor(100 * Math.min(1, Math.max(0, p.fraction)));
  const left = p.etaSeconds === null ? 'time left not known yet' : `about ${formatDuration(p.etaSeconds)} left`;
  return `Evaluating: ${p.done} of ${p.total} items done (${percent}%) · ${formatDuration(p.elapsedSeconds)} elapsed · ${left}`;
}

/** The teacher's or summarizer's line under its progress bar. */
export function teacherProgressText(kind: 'teach' | 'summarize', p: { done: number; total: number; kept?: number; dropped?: number; questionsPerSecond?: number; etaSeconds: number | null } | null): string {
  const doing = kind === 'teach' ? 'Teaching' : 'Summarizing';
  if (!p) return `${doing}: loading the model…`;
  const unit = kind === 'teach' ? 'responses' : 'summaries';
  const kept = p.dropped ? ` (${p.kept} kept, ${p.dropped} dropped)` : '';
  const rate = p.questionsPerSecond ? ` · ${p.questionsPerSecond.toFixed(2)} questions/s` : '';
  const left = p.etaSeconds === null ? '' : ` · about ${formatDuration(p.etaSeconds)} left`;
  return `${doing}: ${p.done} of ${p.total} ${unit}${kept}${rate}${left}`;
}
