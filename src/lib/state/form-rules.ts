// What each number field in the page accepts, and the message a field shows when its value does
// not fit (emptied, not whole, too small). A form with any such field cannot start. DOM-free, so
// the messages are tested in Node; the fields' defaults are in ../lab-defaults.ts.

export interface NumberRule {
  /** The smallest value allowed. */
  min?: number;
  /** Values must be above this (e.g. a learning rate above 0). */
  above?: number;
  max?: number;
  integer?: boolean;
}

/**
 * The problem with a number field's value, or null when it fits. Svelte's bind:value gives null
 * for an emptied number input (and the browser gives NaN-like '' for text it cannot read).
 */
export function numberProblem(value: unknown, rule: NumberRule = {}): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'Enter a number.';
  if (rule.integer && !Number.isInteger(value)) return 'Enter a whole number.';
  if (rule.above !== undefined && !(value > rule.above)) return `Enter a number above ${rule.above}.`;
  if (rule.min !== undefined && value < rule.min) return `Enter ${rule.min} or more.`;
  if (rule.max !== undefined && value > rule.max) return `Enter ${rule.max} or less.`;
  return null;
}

export type Rules<F> = Partial<Record<keyof F & string, NumberRule>>;

/**
 * The fields of `form` whose values break their rule, in the rules' order. A rule for a field the
 * form lacks is a type error: it would read as empty and block the form for good.
 */
export function invalidFields<F extends object, R extends Rules<F>>(form: F, rules: R & Record<Exclude<keyof R, keyof F>, never>): (keyof F & string)[] {
  return (Object.keys(rules) as (keyof F & string)[]).filter((key) => numberProblem(form[key], rules[key]) !== null);
}

/** The line under a form's Start button while some field is invalid. */
export const FIX_FIELDS_TEXT = 'Fix the fields marked above to go on.';
/** The same, when the field is in the Data step (training reads its max length). */
export const FIX_DATA_FIELDS_TEXT = 'Fix the fields marked in step 2 (Data) to go on.';
/** The same, for the demo's size. */
export const FIX_DEMO_FIELDS_TEXT = 'Fix the fields marked under Demo size to run the demo.';

const whole = (min?: number): NumberRule => ({ integer: true, ...(min !== undefined && { min }) });

export const TRAIN_RULES = {
  learningRate: { above: 0 },
  epochs: whole(1),
  maxSteps: whole(0),
  batchSize: whole(1),
  warmupSteps: whole(0),
  evalSize: whole(0),
  evalEvery: whole(1),
  checkpointEvery: whole(0),
  seed: whole(),
} satisfies Record<string, NumberRule>;

export const LORA_RULES = {
  loraRank: whole(1),
  loraAlpha: { above: 0 },
} satisfies Record<string, NumberRule>;

/** The synthetic teacher's size and seed, in the Data step and in the teacher's questions. */
const SYNTH_RULES = {
  synthN: { integer: true, min: 1, max: 100_000 },
  synthSeed: whole(),
} satisfies Record<string, NumberRule>;

export const DATA_SYNTH_RULES = {
  ...SYNTH_RULES,
  gsm8kItems: whole(),
  verbStories: { min: 0, max: 1 },
} satisfies Record<string, NumberRule>;

export const DATA_RULES = {
  maxLength: whole(16),
} satisfies Record<string, NumberRule>;

export const EVAL_SYNTH_RULES = {
  synthN: whole(1),
  synthSeed: whole(),
} satisfies Record<string, NumberRule>;

export const EVAL_RULES = {
  limit: whole(1),
  batchSize: whole(1),
  maxNewTokens: whole(1),
} satisfies Record<string, NumberRule>;

export const DEMO_RULES = {
  trainRecords: whole(16),
  trainSteps: whole(1),
  evalItems: whole(1),
  maxNewTokens: whole(1),
} satisfies Record<string, NumberRule>;

export const TEACH_RULES = {
  samples: whole(1),
  temperature: { min: 0 },
  topP: { above: 0, max: 1 },
  maxNewTokens: whole(1),
  batchSize: whole(1),
  seed: whole(),
} satisfies Record<string, NumberRule>;

export const TEACH_SYNTH_RULES = SYNTH_RULES;

export const TEACH_LIMIT_RULES = {
  limit: whole(1),
} satisfies Record<string, NumberRule>;

export const SUMMARIZE_RULES = {
  maxNewTokens: whole(1),
  batchSize: whole(1),
} satisfies Record<string, NumberRule>;
