// A deterministic extractive summary of a reasoning trace, for the think-summary strategy: keep the
// computations and conclusions, drop hesitation, planning, re-checks and wrong turns, fit a budget.

export interface SummaryOptions {
  /** Character budget of the summary (default 600). */
  maxChars?: number;
  maxSentences?: number;
}

interface Equation {
  lhs: string;
  rhs: string;
}

interface Kept {
  index: number;
  text: string;
  /** 0 conclusion, 1 computation, 2 anything else: what survives a tight budget first. */
  rank: number;
  equations: Equation[];
}

const CLAUSE_BREAK = /([,;:]\s+|\s*[—–]\s*)/;
// A leading clause that only hesitates: "Wait", "Hmm", "Okay", "But wait", "Oh no", "Hold on".
const FILLER =
  /^(?:(?:but|so|and|oh|ah|hmm+|well|okay|ok)\s+)?(?:wait(?: a (?:second|minute|moment))?|hmm+|no|nope|oh|oops|ah|okay|ok|alright|well|actually|hold on)[.!]*$/i;
// A clause saying that an earlier step was wrong.
const ERROR = /\b(?:wrong|not right|not correct|incorrect|mistake|miscalculat\w*|slipped|can't be right|doesn't make sense)\b/i;
// A clause that announces the redo of a step ("Let me recompute: 157 + 98 = 255."): the redo stays.
const REDO = /^(?:(?:so|ok|okay)[, ]+)?(?:let me|let's|let us|i'll|i will)\s+(?:re-?do|re-?compute|re-?calculate|re-?work|fix|correct|try)\b(?:\s+(?:that|this|it|again|the (?:step|calculation)))*$/i;
// Re-checks, speculation and confirmations: a summary needs none of them, computation or not.
const DROP = [
  /^(?:(?:so|and|but|now|then|first|also)[, ]+)?(?:let me|let's|let us)\s+(?:check|double[- ]check|verify|re-?read|re-?check|re-?calculate|re-?compute|re-?count|think|see|make sure|confirm|go back|reconsider)\b/i,
  /^(?:alternatively|maybe|perhaps|i think|i guess|i wonder|i believe|check|checking|verif\w*|double[- ]check\w*|to (?:check|verify|confirm|double[- ]check))\b/i,
  /^(?:yes|yep|yeah|right|correct|exactly|perfect|great|good|makes sense|that's (?:correct|right)|that (?:checks out|works|matches|makes sense)|this (?:checks out|matches))\b/i,
];
// Planning talk: dropped unless it carries a computation.
const META =
  /^(?:(?:so|and|but|now|then|first|next|also|okay)[, ]+)*(?:let me|let's|let us|i need to|i have to|i should|i'll|i will|i want to|i can|we need to|we have to|the (?:problem|question) (?:says|asks|states|is asking))\b/i;
const CONCLUSION = /^(?:so,?\s+)?(?:the (?:final )?answer is|therefore|thus|hence|in total|in conclusion|altogether|overall|final answer)\b|\\boxed/i;
const OPERATOR = String.raw`(?:[-+*/×÷^x]|\\times|\\cdot|\\div|times|minus|plus|divided by|multiplied by)`;
const COMPUTATION = new RegExp(
  String.raw`\d\s*${OPERATOR}\s*[($]*\d|=\s*[($]*-?\d|\bso\b.*\b(?:is|are|equals|makes|gets|has|leaves)\s+\$?-?\d`,
  'i',
);
const NUMBER = String.raw`\(?\$?-?\d[\d,]*(?:\.\d+)?\)?`;
const EQUATION = new RegExp(String.raw`(${NUMBER}(?:\s*${OPERATOR}\s*${NUMBER})+)\s*(?:=|is|equals)\s*(${NUMBER})`, 'gi');

export function summarizeReasoning(reasoning: string, opts: SummaryOptions = {}): string {
  const state: Summary = { kept: [], retracted: false };
  sentences(reasoning).forEach((sentence, index) => consider(state, sentence, index));
  return fit(state.kept, opts);
}

interface Summary {
  kept: Kept[];
  /** True after a retraction until the next claim: "Wait, that's wrong. I slipped." retracts once. */
  retracted: boolean;
}

function consider(state: Summary, sentence: string, index: number): void {
  const { kept } = state;
  const { rest, stripped, corrects } = stripFiller(sentence);
  if (corrects && !state.retracted) {
    takeBackLastClaim(kept);
    state.retracted = true;
  }
  if (!rest || rest.endsWith('?') || DROP.some((p) => p.test(rest))) return;
  const conclusion = CONCLUSION.test(rest);
  const computation = COMPUTATION.test(rest);
  // Hesitation or planning with nothing to show for it.
  if (!conclusion && !computation && (stripped || META.test(rest))) return;
  const equations = equationsOf(rest);
  // Arithmetic is deterministic: the same left side with a new result means the earlier step was wrong.
  for (let i = kept.length - 1; i >= 0; i--) {
    if (kept[i].equations.some((e) => equations.some((f) => f.lhs === e.lhs && f.rhs !== e.rhs))) kept.splice(i, 1);
  }
  const seen = (f: Equation) => kept.some((k) => k.equations.some((e) => e.lhs === f.lhs && e.rhs === f.rhs));
  // A computation done again (a re-check) is kept once, and so is a repeated sentence.
  if (!conclusion && equations.length > 0 && equations.every(seen)) return;
  const text = rest[0].toUpperCase() + rest.slice(1);
  if (kept.some((k) => k.text === text)) return;
  kept.push({ index, text, rank: conclusion ? 0 : computation ? 1 : 2, equations });
  if (conclusion || computation) state.retracted = false;
}

/** Lines, then sentences, without list markers. */
function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.replace(/^\s*(?:[-*•]|\d+[.)]|#+)\s+/, '').split(/(?<=[.!?])\s+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Drops leading hesitation clauses ("Wait, no, 16 - 3 = 13." → "16 - 3 = 13."), noting whether they retract something. */
function stripFiller(sentence: string): { rest: string; stripped: boolean; corrects: boolean } {
  const pieces = sentence.split(CLAUSE_BREAK); // clauses at even indices, the breaks between them at odd ones
  let i = 0;
  let corrects = false;
  const lead = (p: string, at: number) => FILLER.test(p) || ERROR.test(p) || (REDO.test(p) && at + 2 < pieces.length);
  while (i < pieces.length && lead(pieces[i], i)) {
    corrects ||= ERROR.test(pieces[i]) || /\bno(?:pe)?\b/i.test(pieces[i]);
    i += 2;
  }
  return { rest: pieces.slice(i).join('').trim(), stripped: i > 0, corrects };
}

/** "Wait, that's wrong" retracts the latest computation or conclusion, and whatever was said after it. */
function takeBackLastClaim(kept: Kept[]): void {
  for (let i = kept.length - 1; i >= 0; i--) {
    if (kept[i].rank < 2) {
      kept.length = i;
      return;
    }
  }
}

function equationsOf(sentence: string): Equation[] {
  return [...sentence.matchAll(EQUATION)].map((m) => ({ lhs: normalize(m[1]), rhs: normalize(m[2]) }));
}

// "16 × 3", "16 \times 3" and "16*3" are one computation.
function normalize(expression: string): string {
  return expression
    .replace(/\\times|\\cdot|×|times|multiplied by|(?<=\d\s*)x(?=\s*\d)/gi, '*')
    .replace(/\\div|÷|divided by/gi, '/')
    .replace(/minus/gi, '-')
    .replace(/plus/gi, '+')
    .replace(/[\s$,]/g, '');
}

/** Keeps the highest-ranked sentences that fit, later ones first (the final steps matter most), in reading order. */
function fit(kept: Kept[], { maxChars = 600, maxSentences = Infinity }: SummaryOptions): string {
  const chosen: Kept[] = [];
  let length = -1; // one separator between sentences
  for (const k of [...kept].sort((a, b) => a.rank - b.rank || b.index - a.index)) {
    if (chosen.length >= maxSentences) break;
    if (length + 1 + k.text.length > maxChars) continue;
    chosen.push(k);
    length += 1 + k.text.length;
  }
  chosen.sort((a, b) => a.index - b.index);
  // Sentences run on with a space; a bare line such as "16 - 3 = 13" keeps its line break.
  return chosen.map((k, i) => (i === 0 ? '' : /[.!?:]$/.test(chosen[i - 1].text) ? ' ' : '\n') + k.text).join('');
}
