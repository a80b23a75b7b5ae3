// GSM8K scoring exactly as lm-evaluation-harness v3.0 does it (../shared/data/lm-eval/*.yaml):
// stop sequences, the RegexFilter + take_first filters, and exact_match with regexes_to_ignore.
// The task files' patterns are Python `re` syntax; pythonRegExp() gives them Python's meaning.
// For a numeric gold (PAL's and SVAMP's files), each extracted answer is also compared as a number.

export type TaskName = 'gsm8k' | 'gsm8k_cot' | 'gsm8k_cot_zeroshot' | 'chat';
export type FilterName = 'strict-match' | 'flexible-extract';
export type ChatRule = '####' | '\\boxed{}' | 'The final answer is' | 'The answer is' | 'last number';

export interface ChatAnswer {
  /** The extracted answer after the harness's normalisation ("[invalid]" when no rule matched). */
  value: string;
  rule: ChatRule | null;
}

export interface ScoredSample {
  /** What each filter extracted, as the harness's `filtered_resps`. */
  filtered: Record<FilterName, string>;
  exact_match: Record<FilterName, 0 | 1>;
  /** Numeric gold only: whether each filter's answer is within NUMERIC_TOLERANCE of it. */
  numeric_match?: Record<FilterName, 0 | 1>;
  /** chat task only: the chat rules' answer and whether it matches (`numeric`: numeric gold only). */
  answer?: ChatAnswer & { exact: 0 | 1; numeric?: 0 | 1 };
}

/** One harness `regex` filter: a Python-syntax pattern and which findall match to keep. */
export interface RegexRule {
  pattern: string;
  /** Index into the matches, Python-style: 0 = first, -1 = last. */
  groupSelect: number;
}

export interface TaskRules {
  strict: RegexRule;
  flexible: RegexRule;
  /** generation_kwargs.until */
  until: string[];
  /** doc_to_target, from GSM8K's full answer. */
  reference(answer: string): string;
}

/** The harness's RegexFilter fallback. */
export const INVALID = '[invalid]';

/** exact_match's regexes_to_ignore, applied in order with re.sub(pattern, "", x). */
export const REGEXES_TO_IGNORE = [',', '\\$', '(?s).*#### ', '\\.$'];

const HASH_ANSWER: RegexRule = { pattern: '#### (\\-?[0-9\\.\\,]+)', groupSelect: 0 };
// The trailing "." is unescaped in the task file: it eats any one character but "\n".
const COT_ANSWER: RegexRule = { pattern: 'The answer is (\\-?[0-9\\.\\,]+).', groupSelect: 0 };
const FLEXIBLE: RegexRule = { pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)', groupSelect: -1 };

const fullAnswer = (answer: string): string => answer;
/** gsm8k_cot's doc_to_target: answer.split('####')[-1].strip() */
const finalNumber = (answer: string): string => pyStrip(answer.split('####').at(-1) ?? '');

export const TASK_RULES: Record<TaskName, TaskRules> = {
  gsm8k: { strict: HASH_ANSWER, flexible: FLEXIBLE, until: ['Question:', '</s>', '<|im_end|>'], reference: fullAnswer },
  gsm8k_cot: { strict: COT_ANSWER, flexible: FLEXIBLE, until: ['Q:', '</s>', '<|im_end|>'], reference: finalNumber },
  gsm8k_cot_zeroshot: { strict: COT_ANSWER, flexible: FLEXIBLE, until: ['Q:', '</s>', '<|im_end|>'], reference: fullAnswer },
  // Not a harness task: the trained format's "#### N" is strict; stops are the end-of-turn markers.
  chat: { strict: HASH_ANSWER, flexible: FLEXIBLE, until: ['</s>', '<|im_end|>'], reference: fullAnswer },
};

// Python's str.isspace() set: JS's \s without U+FEFF, plus U+001C–U+001F and U+0085.
const PY_SPACE = '(?:[\\x1c-\\x1f\\x85]|[^\\S\\ufeff])';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

/** Python's str.strip(). */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

const compiled = new Map<string, RegExp>();

/**
 * A Python `re` pattern as a global JS RegExp with the same matches, for the syntax the harness's
 * task files use. Differences handled: `.` excludes only "\n" (JS also excludes "\r", U+2028/9);
 * `$` also matches before a final "\n"; a leading `(?s)`; code points, not UTF-16 units (flag u).
 * Letter escapes (\d, \w, \s, \b, \Z, ...) mean different things in the two and are refused.
 * Patterns that can match "" are out of scope (Python and JS resume differently after one).
 */
export function pythonRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(translate(pattern), 'gu');
    compiled.set(pattern, re);
  }
  return re;
}

function translate(pattern: string): string {
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (inline && inline[1] !== 's') throw new Error(`unsupported inline flags (?${inline[1]}) in ${pattern}`);
  const dotAll = inline !== null;
  let out = '';
  let inClass = false;
  for (let i = inline ? inline[0].length : 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[++i];
      if (e === undefined) throw new Error(`pattern ends in a backslash: ${pattern}`);
      if (/[nrtfv]/.test(e)) out += '\\' + e;
      else if (/[0-9A-Za-z]/.test(e)) throw new Error(`unsupported escape \\${e} in ${pattern}`);
      // Under flag u, JS only allows escaping its syntax characters (and "-" in a class).
      else out += /[\^$\\.*+?()[\]{}|/]/.test(e) || (inClass && e === '-') ? '\\' + e : e;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // Python reads a "]" right after "[" or "[^" as a literal; JS would close the class.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += '\\' + pattern[++i];
    } else if (c === '.') out += dotAll ? '[\\s\\S]' : '[^\\n]';
    else if (c === '$') out += '(?=\\n?$)';
    else out += c;
  }
  return out;
}

/** Python's re.findall: the whole match with no groups, the group with one, a tuple ("" when unmatched) with more. */
function findall(re: RegExp, s: string): (string | string[])[] {
  return [...s.matchAll(re)].map((m) => {
    const groups = m.slice(1).map((g) => g ?? '');
    return groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : groups;
  });
}

/** The harness's RegexFilter on one response (take_first then keeps it). */
export function regexFilter(resp: string, pattern: string, groupSelect = 0, fallback = INVALID): string {
  const matches = findall(pythonRegExp(pattern), resp);
  if (matches.length === 0) return fallback;
  const m = matches.at(groupSelect);
  if (m === undefined) throw new RangeError(`group_select ${groupSelect} out of range for ${matches.length} matches`); // Python: IndexError
  return pyStrip(Array.isArray(m) ? (m.find((g) => g !== '') ?? fallback) : m);
}

/** exact_match's view of a string: regexes_to_ignore removed in order, then lower-cased (ignore_case). */
export function normalize(s: string): string {
  for (const p of REGEXES_TO_IGNORE) s = s.replace(pythonRegExp(p), '');
  return s.toLowerCase();
}

/** lm-eval's exact_match_hf_evaluate for one pair, with the GSM8K tasks' options. */
export function exactMatch(prediction: string, reference: string): 0 | 1 {
  return normalize(prediction) === normalize(reference) ? 1 : 0;
}

/** PAL's rule (reasoning-machines/pal, scripts/gsm_eval.py): right when abs(answer - target) < 1e-3. */
export const NUMERIC_TOLERANCE = 1e-3;

// An answer after exact_match's normalisation (no ",", "$" or final "."), when it is a number.
const NORMALIZED_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)$/;

/** Whether an answer already normalised as exact_match does is a number within NUMERIC_TOLERANCE of the gold. */
function normalizedNumberMatch(normalized: string, gold: number): 0 | 1 {
  return NORMALIZED_NUMBER.test(normalized) && Math.abs(Number(normalized) - gold) < NUMERIC_TOLERANCE ? 1 : 0;
}

/** An extracted answer ("$1,234.", "[invalid]") against a numeric gold: normalised as exact_match does, then PAL's rule. */
export function numericMatch(prediction: string, gold: number): 0 | 1 {
  return normalizedNumberMatch(normalize(prediction), gold);
}

/** The harness's generate_until cut: for term in until: s = s.split(term)[0] (empty terms skipped). */
export function applyStops(text: string, until: string[]): string {
  for (const term of until) {
    if (term.length === 0) continue;
    const at = text.indexOf(term);
    if (at >= 0) text = text.slice(0, at);
  }
  return text;
}

// A number for the chat rules: at least one digit, so "..." is never an answer.
const CHAT_NUMBER = '(-?\\.?[0-9][0-9.,]*)';
// Between the phrase and the number: an optional colon, markdown bold, "$" or "\$".
const LEAD = '[:* $\\\\]*';

const CHAT_RULES: (RegexRule & { rule: ChatRule })[] = [
  { rule: '####', ...HASH_ANSWER },
  { rule: '\\boxed{}', pattern: `\\\\boxed\\{${LEAD}${CHAT_NUMBER}`, groupSelect: -1 },
  { rule: 'The final answer is', pattern: `[Tt]he final answer is${LEAD}${CHAT_NUMBER}`, groupSelect: -1 },
  { rule: 'The answer is', pattern: `[Tt]he answer is${LEAD}${CHAT_NUMBER}`, groupSelect: -1 },
  { rule: 'last number', ...FLEXIBLE },
];

/** The chat task's answer: the first rule that matches, in CHAT_RULES order, normalised as exact_match does. */
export function chatAnswer(completion: string): ChatAnswer {
  for (const { rule, pattern, groupSelect } of CHAT_RULES) {
    const raw = regexFilter(completion, pattern, groupSelect);
    if (raw !== INVALID) return { value: normalize(raw), rule };
  }
  return { value: normalize(INVALID), rule: null };
}

/**
 * Scores one completion as the harness would. The task's stop sequences are applied first
 * (a no-op when generation already applied them: cutting is idempotent). `answer` is GSM8K's full
 * solution, or a numeric gold as text; `gold`, the number, adds the numeric comparison.
 */
export function scoreCompletion(task: TaskName, completion: string, answer: string, gold?: number): ScoredSample {
  const rules = TASK_RULES[task];
  const resp = applyStops(completion, rules.until);
  const reference = rules.reference(answer);
  const strict = regexFilter(resp, rules.strict.pattern, rules.strict.groupSelect);
  const flexible = regexFilter(resp, rules.flexible.pattern, rules.flexible.groupSelect);
  const sample: ScoredSample = {
    filtered: { 'strict-match': strict, 'flexible-extract': flexible },
    exact_match: { 'strict-match': exactMatch(strict, reference), 'flexible-extract': exactMatch(flexible, reference) },
    ...(gold !== undefined && { numeric_match: { 'strict-match': numericMatch(strict, gold), 'flexible-extract': numericMatch(flexible, gold) } }),
  };
  if (task !== 'chat') return sample;
  const chat = chatAnswer(resp);
  // value is already normalised; normalising twice is not a no-op ("5.." → "5." → "5").
  const exact = chat.value === normalize(reference) ? 1 : 0;
  return { ...sample, answer: { ...chat, exact, ...(gold !== undefined && { numeric: normalizedNumberMatch(chat.value, gold) }) } };
}
