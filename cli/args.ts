// The CLI's option tables: each command declares its flags once (kind, bounds, choices, default,
// one line of help), and both parsing and --help come from that table, so they cannot drift.
// Bad input becomes one UsageError line saying what is wrong and what to do.
import { parseArgs } from 'node:util';
import { BACKEND_LIMITS } from '../models/backend';
import { STRATEGIES } from '../src/lib/data/types';
import { DATA_DEFAULTS } from '../src/lib/pipeline/defaults';
import { TRAIN_DEFAULTS } from '../src/lib/train/config';

/** Bad command-line input (exit code 2); any other error is a runtime failure (exit code 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface BaseSpec {
  /** One line (or a few) for --help. */
  help: string;
  /** The value's name in --help, e.g. "N" or "FILE". */
  arg?: string;
  required?: boolean;
}

export type OptionSpec = BaseSpec &
  (
    | { kind: 'flag' }
    | { kind: 'string'; default?: string; multiple?: boolean }
    | { kind: 'choice'; choices: readonly string[]; default?: string }
    | { kind: 'number'; integer?: boolean; min?: number; above?: number; max?: number; default?: number }
  );

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S> = S extends { kind: 'flag' }
  ? boolean
  : S extends { kind: 'number' }
    ? number
    : S extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : S extends { multiple: true }
        ? string[]
        : string;

/** Parsed values: flags are booleans, numbers are checked numbers, choices are one of theirs. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]: T[K] extends { kind: 'flag' } | { default: unknown } | { required: true } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export interface ParsedArgs {
  positionals: string[];
  /** The flags the user gave (the values also hold defaults). */
  given: ReadonlySet<string>;
}

export interface Command<T extends OptionTable = OptionTable> {
  /** One line for the tool's --help. */
  summary: string;
  /** What follows "Usage: " in --help. */
  usage: string;
  /** Paragraphs between the usage line and the options. */
  about?: string;
  options: T;
  /** Positional arguments this command takes (names for --help); none when omitted. A last name ending in "…" takes one or more. */
  positionals?: string[];
  run(values: OptionValues<T>, args: ParsedArgs): Promise<void>;
}

/** Keeps the table's literal types for the command's run(). */
export const command = <const T extends OptionTable>(c: Command<T>): Command<T> => c;

const flagText = (name: string, spec: OptionSpec) => `--${name}${spec.kind === 'flag' ? '' : ` ${spec.arg ?? (spec.kind === 'number' ? 'N' : spec.kind === 'choice' ? spec.choices.join('|') : 'X')}`}`;

function defaultText(spec: OptionSpec): string {
  if (spec.kind === 'choice') return ` (${spec.choices.join(', ')}${spec.default === undefined ? '' : `; default ${spec.default}`})`;
  if (spec.kind !== 'flag' && spec.default !== undefined) return ` (default ${spec.default})`;
  return spec.required ? ' (required)' : '';
}

export function renderHelp(c: Command): string {
  const rows = Object.entries(c.options).map(([name, spec]) => [flagText(name, spec), `${spec.help}${defaultText(spec)}`]);
  const width = Math.min(28, Math.max(...rows.map(([flag]) => flag.length)) + 2);
  const indent = ' '.repeat(width + 2);
  const lines = rows.map(([flag, text]) => {
    const body = text.split('\n').join(`\n${indent}`);
    return flag.length + 2 > width ? `  ${flag}\n${indent}${body}` : `  ${flag.padEnd(width)}${body}`;
  });
  return [`Usage: ${c.usage}`, ...(c.about ? ['', c.about] : []), '', ...lines].join('\n');
}

export function parseNumber(flag: string, text: string, rule: { integer?: boolean; min?: number; above?: number; max?: number }): number {
  const n = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(n) &&
    (!rule.integer || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.max === undefined || n <= rule.max);
  if (ok) return n;
  const bounds = [rule.min !== undefined && `≥ ${rule.min}`, rule.above !== undefined && `> ${rule.above}`, rule.max !== undefined && `≤ ${rule.max}`].filter(Boolean);
  throw new UsageError(`${flag} must be ${rule.integer ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}, got "${text}"`);
}

/** Parses argv against the command's table: unknown flags, bad numbers and bad choices are UsageErrors. */
export function parseCommand<T extends OptionTable>(name: string, c: Command<T>, argv: string[]): { values: OptionValues<T>; args: ParsedArgs } {
  const nodeOptions = Object.fromEntries(
    Object.entries(c.options).map(([flag, spec]) => [flag, { type: spec.kind === 'flag' ? 'boolean' : 'string', multiple: spec.kind === 'string' && spec.multiple === true }] as const),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: nodeOptions, strict: true, allowPositionals: c.positionals !== undefined });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\s+/g, ' ').trim()} (see "${name} --help")`);
  }
  const values: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(c.options)) {
    const raw = parsed.values[flag] as string | string[] | boolean | undefined;
    if (raw === undefined) {
      if (spec.required) throw new UsageError(`missing ${flagText(flag, spec)} (see "${name} --help")`);
      values[flag] = spec.kind === 'flag' ? false : spec.default;
      continue;
    }
    switch (spec.kind) {
      case 'number':
        values[flag] = parseNumber(`--${flag}`, raw as string, spec);
        break;
      case 'choice':
        if (!spec.choices.includes(raw as string)) throw new UsageError(`--${flag} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
        values[flag] = raw;
        break;
      default:
        values[flag] = raw;
    }
  }
  const positionals = parsed.positionals;
  const expected = c.positionals?.length ?? 0;
  const variadic = c.positionals?.at(-1)?.endsWith('…') ?? false;
  if (c.positionals && (variadic ? positionals.length < expected : positionals.length !== expected)) {
    throw new UsageError(`give ${variadic ? 'at least' : 'exactly'} ${expected}: ${name} ${c.positionals.join(' ')} (see "${name} --help")`);
  }
  const given = new Set(Object.keys(parsed.values));
  return { values: values as OptionValues<T>, args: { positionals, given } };
}

/** The --backend option, shared by every command that runs a model. */
export const BACKEND_OPTION = {
  kind: 'choice',
  // Node has these two; webgpu and webgl are the browser's.
  choices: ['wasm', 'cpu'],
  arg: 'B',
  help: 'the TensorFlow.js backend; default: the first that starts (wasm, then cpu)',
} as const satisfies OptionSpec;

/** The --threads option, beside --backend. */
export const THREADS_OPTION = {
  kind: 'number',
  integer: true,
  min: 1,
  max: BACKEND_LIMITS.wasmMaxThreads,
  arg: 'N',
  help: `wasm threads; default: every logical core, up to ${BACKEND_LIMITS.wasmMaxThreads}`,
} as const satisfies OptionSpec;

/** The --force option of every command that loads a model. */
export const FORCE_OPTION = {
  kind: 'flag',
  help: "load the model even when its memory estimate exceeds this machine's memory",
} as const satisfies OptionSpec;

/** "1,2,3" → [1, 2, 3]. */
export function parseIds(text: string, flag = '--ids'): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((s) => !/^\d+$/.test(s))) {
    throw new UsageError(`${flag} must be comma-separated token ids such as 1,17,42, got "${text}"`);
  }
  return parts.map(Number);
}

/** Checked once the model is loaded, since the vocabulary size comes from its config. */
export function checkIdsInVocab(ids: number[], vocabSize: number, flag = '--ids'): void {
  const bad = ids.find((id) => id >= vocabSize);
  if (bad !== undefined) throw new UsageError(`${flag}: token id ${bad} is outside this model's vocabulary (0..${vocabSize - 1})`);
}

/** Runs `what`, turning its error into a UsageError (for parsers shared with the page). */
export function asUsage<T>(what: () => T, prefix = ''): T {
  try {
    return what();
  } catch (e) {
    throw new UsageError(`${prefix}${(e as Error).message}`);
  }
}

/** Options that `data` and `train` share: how raw distilled records become examples. */
export const DATA_OPTIONS = {
  strategy: {
    kind: 'choice',
    choices: STRATEGIES,
    arg: 'S',
    default: DATA_DEFAULTS.strategy,
    help: "original: the dataset's own response; answer: the answer part only;\nthink-summary: a summary of the reasoning, then the answer; full: <think>reasoning</think>, then the answer",
  },
  'field-map': {
    kind: 'string',
    arg: 'MAP',
    help: 'name your fields, e.g. prompt=query,response=r1_output,original=solution\n(keys: prompt, response, system, reasoning, original, summary, messages, conversations)',
  },
  'prompt-style': {
    kind: 'choice',
    choices: ['auto', 'chat', 'plain'],
    arg: 'S',
    default: DATA_DEFAULTS.promptStyle,
    help: 'the chat template, or "Question: …\\nAnswer:"; auto: the template when the tokenizer has one',
  },
  'max-length': { kind: 'number', arg: 'L', integer: true, min: 2, default: TRAIN_DEFAULTS.maxLength, help: 'tokens per example; longer ones are cut' },
} as const satisfies OptionTable;
