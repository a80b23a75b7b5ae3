// Argument helpers shared by the CLI commands: parsing with node:util, and checks that turn bad
// input into one UsageError line saying what is wrong and what to do.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseBackendName, type BackendName } from '../models/backend';

/** Bad command-line input (exit code 2); any other error is a runtime failure (exit code 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Command {
  /** One line for the tool's --help. */
  summary: string;
  /** The command's --help text. */
  help: string;
  run(argv: string[]): Promise<void>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options only (no positionals); an unknown or malformed flag becomes a UsageError. */
export function parseOptions<const O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\s+/g, ' ').trim()} (see "${command} --help")`);
  }
}

export function required<T>(value: T | undefined, flag: string, command: string): T {
  if (value === undefined) throw new UsageError(`missing ${flag} (see "${command} --help")`);
  return value;
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
}

export function parseNumber(flag: string, text: string, rule: NumberRule): number {
  const n = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(n) &&
    (!rule.integer || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.max === undefined || n <= rule.max);
  if (ok) return n;
  const bounds = [
    rule.min !== undefined && `≥ ${rule.min}`,
    rule.above !== undefined && `> ${rule.above}`,
    rule.max !== undefined && `≤ ${rule.max}`,
  ].filter(Boolean);
  throw new UsageError(`${flag} must be ${rule.integer ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}, got "${text}"`);
}

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

export function parseBackend(text: string | undefined): BackendName | undefined {
  if (text === undefined) return undefined;
  try {
    return parseBackendName(text);
  } catch (e) {
    throw new UsageError(`--backend: ${(e as Error).message}`);
  }
}
