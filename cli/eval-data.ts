// The --data (eval) and --questions (teach) flag: "synth", "hub:train" / "hub:test" (openai/gsm8k
// on the hub), or a file path / URL.
import { UsageError } from './args';
import { parseDifficultyFlag } from './commands/synth';
import type { EvalDataSource } from '../src/lib/pipeline/sources';

export function evalDataSource(text: string, synth: { n: number; seed: number; difficulty?: string }, flag: string): EvalDataSource {
  if (text === 'synth') return { kind: 'synth', n: synth.n, seed: synth.seed, ...(synth.difficulty && { difficulty: parseDifficultyFlag(synth.difficulty) }) };
  const hub = /^hub:(train|test)$/.exec(text);
  if (hub) return { kind: 'hub', split: hub[1] as 'train' | 'test' };
  if (text.startsWith('hub:')) throw new UsageError(`${flag} ${text}: the hub's GSM8K splits are hub:train and hub:test`);
  return { kind: 'url', url: text };
}
