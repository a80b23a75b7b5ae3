// Splits a teacher's response into its reasoning and its answer, whichever tag convention it uses.
import type { DistilledRecord, SplitResponse } from './types';

export interface TagPair {
  open: string;
  close: string;
  name?: string;
}

/** User-defined conventions, tried after the built-in ones. */
export interface SplitOptions {
  extraTags?: { reasoning: TagPair; answer?: TagPair }[];
}

export type SplitResult = { ok: true; split: SplitResponse } | { ok: false; reason: string };

interface Convention {
  name: string;
  reasoning: TagPair;
  answer?: TagPair;
}

const ANSWER: TagPair = { open: '<answer>', close: '</answer>' };

/** In the order they are tried: the first whose reasoning tags appear wins. */
const BUILT_IN: Convention[] = [
  // DeepSeek-R1, QwQ, Qwen3; their chat templates often put the opening <think> in the prompt.
  { name: 'think', reasoning: { open: '<think>', close: '</think>' }, answer: ANSWER },
  // Sky-T1, Bespoke, OpenThoughts.
  {
    name: 'thought/solution',
    reasoning: { open: '<|begin_of_thought|>', close: '<|end_of_thought|>' },
    answer: { open: '<|begin_of_solution|>', close: '<|end_of_solution|>' },
  },
  // Marco-o1.
  { name: 'Thought/Output', reasoning: { open: '<Thought>', close: '</Thought>' }, answer: { open: '<Output>', close: '</Output>' } },
  // GRPO-style recipes.
  { name: 'reasoning/answer', reasoning: { open: '<reasoning>', close: '</reasoning>' }, answer: ANSWER },
];

export function splitResponse(text: string, opts: SplitOptions = {}): SplitResult {
  const all = conventions(opts);
  const found = all.find((c) => text.includes(c.reasoning.open) || text.includes(c.reasoning.close));
  let reasoning: string | null = null;
  let rest = text;
  if (found) {
    const { open, close } = found.reasoning;
    const start = text.indexOf(open);
    const end = text.indexOf(close, start < 0 ? 0 : start + open.length);
    if (end < 0) return fail(`${open} is never closed: the response was probably cut off`);
    // Everything before the closing tag is reasoning: with the opening tag missing (it was in the
    // prompt), and also any stray words before the opening tag.
    reasoning = start < 0 ? text.slice(0, end) : text.slice(0, start) + text.slice(start + open.length, end);
    rest = text.slice(end + close.length);
  }
  const wrapped = unwrapAnswer(rest, found, all);
  const answer = stripTags(wrapped.text, all);
  if (!answer) return fail(found ? `empty answer after ${found.reasoning.close}` : 'empty response');
  // An empty think block (Qwen3 with thinking off) means no reasoning.
  const thought = reasoning === null ? null : stripTags(reasoning, all) || null;
  return { ok: true, split: { reasoning: thought, answer, convention: found?.name ?? 'none', ...(wrapped.note && { note: wrapped.note }) } };
}

/** Splits a record's response. Reasoning given in its own field (OpenAI reasoning_content) wins over any in the response. */
export function splitRecord(record: DistilledRecord, opts: SplitOptions = {}): SplitResult {
  const result = splitResponse(record.response, opts);
  const reasoning = record.reasoning === undefined ? '' : stripTags(record.reasoning, conventions(opts));
  if (!result.ok || !reasoning) return result;
  return { ok: true, split: { ...result.split, reasoning, convention: 'reasoning_content' } };
}

/** Parses the CLI's "<scratch>,</scratch>". Throws on anything else. */
export function parseTagPair(spec: string): TagPair {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`bad tag pair "${spec}": expected OPEN,CLOSE, e.g. "<scratch>,</scratch>"`);
  if (parts[0] === parts[1]) throw new Error(`bad tag pair "${spec}": the opening and closing tags must differ`);
  return { open: parts[0], close: parts[1] };
}

/** Removes every tag of every convention, stray ones included, and trims. */
function stripTags(text: string, all: Convention[]): string {
  const tags = all.flatMap((c) => [c.reasoning, ...(c.answer ? [c.answer] : [])]).flatMap((p) => [p.open, p.close]);
  return tags.reduce((t, tag) => t.split(tag).join(''), text).trim();
}

function conventions(opts: SplitOptions): Convention[] {
  const extra = (opts.extraTags ?? []).map((c) => ({ name: c.reasoning.name ?? `${c.reasoning.open}…${c.reasoning.close}`, ...c }));
  return [...BUILT_IN, ...extra];
}

/**
 * The answer inside its wrapper (the matched convention's first, then any other's), else all that's
 * left. A wrapper never closed runs to the end of the response, as in public Marco-o1 data
 * ("<Output>The answer is 5" with no "</Output>"); the note says so.
 */
function unwrapAnswer(rest: string, found: Convention | undefined, all: Convention[]): { text: string; note?: string } {
  const wrappers = [found, ...all].flatMap((c) => (c?.answer ? [c.answer] : []));
  const wrapper = wrappers.find((w) => rest.includes(w.open));
  if (!wrapper) return { text: rest };
  const start = rest.indexOf(wrapper.open) + wrapper.open.length;
  const end = rest.indexOf(wrapper.close, start);
  if (end >= 0) return { text: rest.slice(start, end) };
  return {
    text: rest.slice(start),
    note: `${wrapper.open} is never closed: the answer is taken to run to the end of the response (check that it was not cut off)`,
  };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
