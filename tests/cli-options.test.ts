// The CLI's option tables: --help is generated from the same table that parsing uses, so every
// flag a command accepts is in its help and every flag its help lists is accepted; enumerated
// flags refuse values outside their choices.
import { describe, expect, it } from 'vitest';
import { parseCommand, renderHelp, UsageError, type Command, type OptionTable } from '../cli/args';
import { compare } from '../cli/commands/compare';
import { data } from '../cli/commands/data';
import { evalCommand } from '../cli/commands/eval';
import { generate } from '../cli/commands/generate';
import { logits } from '../cli/commands/logits';
import { score } from '../cli/commands/score';
import { synth } from '../cli/commands/synth';
import { train } from '../cli/commands/train';
import { cli } from './helpers/cli';

const COMMANDS: Record<string, Command<OptionTable>> = { generate, logits, data, synth, train, eval: evalCommand, score, compare };

describe('cli option tables', () => {
  it.each(Object.keys(COMMANDS))('%s --help lists exactly the flags that parsing accepts', (name) => {
    const command = COMMANDS[name];
    const help = renderHelp(command);
    const listed = new Set([...help.matchAll(/^ {2}--([\w-]+)/gm)].map((m) => m[1]));
    expect([...listed].sort()).toEqual(Object.keys(command.options).sort());
    for (const flag of listed) {
      const spec = command.options[flag];
      // An unknown flag would be a UsageError naming it; a known one at most complains about its value.
      const value = spec.kind === 'flag' ? [] : spec.kind === 'choice' ? [spec.choices[0]] : spec.kind === 'number' ? [String(spec.min ?? 1)] : ['x'];
      try {
        parseCommand(name, command, [`--${flag}`, ...value]);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as Error).message).not.toMatch(/Unknown option/);
      }
    }
  });

  it('eval --help names --backend and its choices, with defaults from the tables', async () => {
    const run = await cli('eval', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: eval --model SRC/);
    expect(run.stdout).toMatch(/--backend B +the TensorFlow\.js backend.*\(wasm, cpu\)/);
    expect(run.stdout).toMatch(/--batch B +prompts decoded together \(default 8\)/);
  });

  it('score --help says that the task\'s stop sequences are applied before scoring', () => {
    const help = renderHelp(score);
    expect(help).toContain("Each completion is first cut at the task's stop sequences, as generation would have stopped there");
    expect(help).toContain('gsm8k "Question:", "</s>", "<|im_end|>"');
  });

  it.each([
    ['eval', ['--model', 'm', '--data', 'synth', '--out', 'o', '--task', 'gsm9k'], '--task must be one of gsm8k, gsm8k_cot, gsm8k_cot_zeroshot, chat, got "gsm9k"'],
    ['eval', ['--model', 'm', '--data', 'synth', '--out', 'o', '--prompt-style', 'foo'], '--prompt-style must be one of auto, chat, plain, got "foo"'],
    ['data', ['--input', 'i', '--out', 'o', '--strategy', 'all'], '--strategy must be one of original, answer, think-summary, full, got "all"'],
    ['compare', ['a', 'b', '--filter', 'loose'], '--filter must be one of strict-match, flexible-extract, got "loose"'],
    ['score', ['--input', 'i', '--out', 'o', '--task', 'x'], '--task must be one of gsm8k, gsm8k_cot, gsm8k_cot_zeroshot, chat, got "x"'],
    ['generate', ['--model', 'm', '--ids', '1', '--max-new-tokens', '0'], '--max-new-tokens must be an integer ≥ 1, got "0"'],
  ])('%s refuses %j', (name, argv, message) => {
    expect(() => parseCommand(name, COMMANDS[name], argv)).toThrow(message);
  });

  it('a required flag that is missing is named', () => {
    expect(() => parseCommand('eval', evalCommand, ['--data', 'synth', '--out', 'o'])).toThrow('missing --model SRC (see "eval --help")');
  });
});
