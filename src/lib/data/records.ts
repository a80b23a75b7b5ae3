// Detects which shape a raw record has (flat fields, OpenAI messages, ShareGPT conversations)
// and normalizes it to one DistilledRecord, or says in words why it can't.
import type { ChatTurn, DistilledRecord, RecordFormat, Role } from './types';

/** Which field of a raw record holds which part, for datasets whose names we don't guess (CLI --field-map). */
export interface FieldMap {
  prompt?: string;
  response?: string;
  system?: string;
  reasoning?: string;
  original?: string;
  summary?: string;
  messages?: string;
  conversations?: string;
}

export type Normalized = { ok: true; record: DistilledRecord; format: RecordFormat } | { ok: false; reason: string };

type Key = keyof FieldMap;
type Field = { ok: true; field: string; value: string } | { ok: false; reason: string };

/** Field names tried, in order, when the map names none. */
const CANDIDATES: Record<Key, readonly string[]> = {
  prompt: ['prompt', 'question', 'problem', 'instruction', 'input'],
  response: ['response', 'output', 'completion', 'generation', 'answer'],
  system: ['system'],
  reasoning: ['reasoning', 'reasoning_content', 'thinking'],
  original: ['answer', 'solution', 'reference', 'original_response'],
  summary: ['summary', 'think_summary', 'reasoning_summary'],
  messages: ['messages'],
  conversations: ['conversations'],
};
const KEYS = Object.keys(CANDIDATES) as Key[];

const OPENAI_ROLES = new Map<string, Role>([
  ['system', 'system'],
  ['developer', 'system'], // OpenAI's newer name for the system turn
  ['user', 'user'],
  ['assistant', 'assistant'],
]);
const SHAREGPT_ROLES = new Map<string, Role>([
  ['system', 'system'],
  ['human', 'user'],
  ['user', 'user'],
  ['gpt', 'assistant'],
  ['assistant', 'assistant'],
]);

/** Parses "prompt=question,response=generation,original=answer". Throws on bad syntax or unknown keys. */
export function parseFieldMap(spec: string): FieldMap {
  const map: FieldMap = {};
  for (const entry of spec.split(',')) {
    const [key, field, ...extra] = entry.split('=').map((s) => s.trim());
    if (!key || !field || extra.length > 0) {
      throw new Error(`bad field-map entry "${entry.trim()}": expected KEY=FIELD, e.g. "prompt=question,response=generation"`);
    }
    if (!(KEYS as string[]).includes(key)) throw new Error(`unknown field-map key "${key}": expected one of ${KEYS.join(', ')}`);
    if (map[key as Key] !== undefined) throw new Error(`field-map key "${key}" is given twice`);
    map[key as Key] = field;
  }
  return map;
}

/** The record's shape; fields named by the map win over the usual names. null when nothing is recognized. */
export function detectFormat(record: Record<string, unknown>, map: FieldMap = {}): RecordFormat | null {
  const has = (field: string | undefined) => field !== undefined && present(record, field);
  if (has(map.messages)) return 'messages';
  if (has(map.conversations)) return 'sharegpt';
  if (map.prompt !== undefined || map.response !== undefined) return 'fields';
  if (has('messages')) return 'messages';
  if (has('conversations')) return 'sharegpt';
  return [...CANDIDATES.prompt, ...CANDIDATES.response].some(has) ? 'fields' : null;
}

export function normalizeRecord(record: Record<string, unknown>, line: number, map: FieldMap = {}): Normalized {
  // An unrecognized record is read as flat fields, whose "missing prompt field" reason names what was tried.
  const format = detectFormat(record, map) ?? 'fields';
  if (format === 'fields') return fromFields(record, line, map);
  const field = format === 'messages' ? (map.messages ?? 'messages') : (map.conversations ?? 'conversations');
  const turns =
    format === 'messages'
      ? readTurns(record[field], field, 'role', 'content', OPENAI_ROLES)
      : readTurns(record[field], field, 'from', 'value', SHAREGPT_ROLES);
  if (!turns.ok) return turns;
  const target = targetTurn(turns.turns, field);
  if (!target.ok) return target;
  // Reasoning rides on the assistant message (OpenAI reasoning_content), else on the record.
  const reasoning = firstText(target.source, CANDIDATES.reasoning);
  const extra = optionalParts(record, map, undefined);
  if (!extra.ok) return extra;
  const parts = reasoning === undefined ? extra.parts : { ...extra.parts, reasoning };
  return { ok: true, format, record: { line, context: target.context, response: target.response, ...parts } };
}

function fromFields(record: Record<string, unknown>, line: number, map: FieldMap): Normalized {
  const prompt = required(record, 'prompt', map);
  if (!prompt.ok) return prompt;
  const response = required(record, 'response', map);
  if (!response.ok) return response;
  const system = optional(record, 'system', map, undefined);
  if (!system.ok) return system;
  const extra = optionalParts(record, map, response.field);
  if (!extra.ok) return extra;
  // Alpaca keeps the task in `instruction` and its material, often empty, in `input`.
  const input = record.input;
  const user = prompt.field === 'instruction' && typeof input === 'string' && input.trim() ? `${prompt.value}\n\n${input}` : prompt.value;
  const context: ChatTurn[] = system.value === undefined ? [] : [{ role: 'system', content: system.value }];
  context.push({ role: 'user', content: user });
  return { ok: true, format: 'fields', record: { line, context, response: response.value, ...extra.parts } };
}

/** A prompt or response: it must be there, and be non-empty text. */
function required(record: Record<string, unknown>, key: 'prompt' | 'response', map: FieldMap): Field {
  const field = map[key] ?? CANDIDATES[key].find((name) => present(record, name));
  if (field === undefined) {
    const has = Object.keys(record).join(', ') || 'no fields';
    return fail(`missing ${key} field: tried ${CANDIDATES[key].join(', ')} (record has: ${has}); name yours with --field-map ${key}=FIELD`);
  }
  if (!present(record, field)) return fail(`missing ${key} field "${field}" (named by --field-map)`);
  const value = text(record[field], `field "${field}"`);
  return value.ok ? { ...value, field } : value;
}

type Optional = { ok: true; value?: string } | { ok: false; reason: string };

/**
 * An optional part. A mapped field must hold text when present; a guessed one is the first of the
 * usual names holding non-empty text (a numeric `answer` is a final value, not a reference response).
 * `exclude` is the field already used as the response, so GSM8K's `answer` is not also its own original.
 */
function optional(record: Record<string, unknown>, key: Key, map: FieldMap, exclude: string | undefined): Optional {
  const mapped = map[key];
  if (mapped === undefined) return { ok: true, value: firstText(record, CANDIDATES[key].filter((name) => name !== exclude)) };
  if (!present(record, mapped)) return { ok: true };
  const value = record[mapped];
  if (typeof value !== 'string') return fail(`field "${mapped}" is not a string (got ${kindOf(value)})`);
  return { ok: true, value: value.trim() ? value : undefined };
}

function optionalParts(
  record: Record<string, unknown>,
  map: FieldMap,
  responseField: string | undefined,
): { ok: true; parts: Pick<DistilledRecord, 'reasoning' | 'original' | 'summary'> } | { ok: false; reason: string } {
  const parts: Pick<DistilledRecord, 'reasoning' | 'original' | 'summary'> = {};
  for (const key of ['reasoning', 'original', 'summary'] as const) {
    const part = optional(record, key, map, responseField);
    if (!part.ok) return part;
    if (part.value !== undefined) parts[key] = part.value;
  }
  return { ok: true, parts };
}

interface Turn extends ChatTurn {
  source: Record<string, unknown>;
}

function readTurns(
  list: unknown,
  field: string,
  roleKey: string,
  contentKey: string,
  roles: Map<string, Role>,
): { ok: true; turns: Turn[] } | { ok: false; reason: string } {
  if (!Array.isArray(list)) return fail(`field "${field}" is not an array (got ${kindOf(list)})`);
  const turns: Turn[] = [];
  for (const [i, item] of list.entries()) {
    const where = `${field}[${i}]`;
    if (!isObject(item)) return fail(`${where} is not an object (got ${kindOf(item)})`);
    const name = item[roleKey];
    const role = typeof name === 'string' ? roles.get(name) : undefined;
    if (role === undefined) return fail(`${where} has unknown ${roleKey} ${JSON.stringify(name)}: expected one of ${[...roles.keys()].join(', ')}`);
    const content = contentText(item[contentKey], `${where}.${contentKey}`);
    if (!content.ok) {
      // An empty system prompt is common and harmless: leave it out.
      if (role === 'system' && content.empty) continue;
      return content;
    }
    turns.push({ role, content: content.value, source: item });
  }
  return { ok: true, turns };
}

/** Plain text, or OpenAI content parts `[{type: 'text', text}]` joined as chat templates join them. */
function contentText(content: unknown, where: string): { ok: true; value: string } | { ok: false; reason: string; empty?: boolean } {
  if (!Array.isArray(content)) {
    const t = text(content, where);
    return t.ok ? t : { ...t, empty: typeof content === 'string' };
  }
  const texts: string[] = [];
  for (const [i, part] of content.entries()) {
    if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
      const type = isObject(part) && typeof part.type === 'string' ? part.type : kindOf(part);
      return fail(`${where}[${i}] is not a text part (got ${type})`);
    }
    texts.push(part.text);
  }
  return contentText(texts.join(''), where);
}

/** The last assistant turn is the target; everything before it is the context, which must end with the user. */
function targetTurn(
  turns: Turn[],
  field: string,
): { ok: true; context: ChatTurn[]; response: string; source: Record<string, unknown> } | { ok: false; reason: string } {
  let last = turns.length - 1;
  while (last >= 0 && turns[last].role !== 'assistant') last--;
  if (last < 0) return fail(`"${field}" has no assistant turn`);
  const end = turns[turns.length - 1];
  if (last < turns.length - 1) return fail(`conversation ends with a ${end.role} turn: nothing to train on`);
  const context = turns.slice(0, last).map(({ role, content }) => ({ role, content }));
  const before = context[context.length - 1]?.role;
  if (before !== 'user') return fail(`the last assistant turn in "${field}" follows ${before ? `a ${before} turn` : 'nothing'}, not a user turn`);
  return { ok: true, context, response: turns[last].content, source: turns[last].source };
}

function text(value: unknown, what: string): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof value !== 'string') return fail(`${what} is not a string (got ${kindOf(value)})`);
  if (!value.trim()) return fail(`${what} is empty`);
  return { ok: true, value };
}

function firstText(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return undefined;
}

// Parquet rows and JSON exports write a missing value as null.
function present(record: Record<string, unknown>, field: string): boolean {
  return Object.hasOwn(record, field) && record[field] !== undefined && record[field] !== null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
