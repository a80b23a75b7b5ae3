// Distill Lab's command line: the browser app's model code, run from Node.
// Usage: npm run -s cli -- <command> [options]
import * as tf from '@tensorflow/tfjs-core';
import { parseCommand, renderHelp, UsageError, type Command, type OptionTable } from './args';
import { compare } from './commands/compare';
import { data } from './commands/data';
import { evalCommand } from './commands/eval';
import { exportRecipeCommand } from './commands/export-recipe';
import { generate } from './commands/generate';
import { logits } from './commands/logits';
import { score } from './commands/score';
import { summarize } from './commands/summarize';
import { synth } from './commands/synth';
import { teach } from './commands/teach';
import { train } from './commands/train';

const COMMANDS: Record<string, Command<OptionTable>> = { generate, logits, data, synth, teach, summarize, train, eval: evalCommand, score, compare, 'export-recipe': exportRecipeCommand };

const HELP = `Distill Lab command line: run models with the same code as the browser app.

Usage: npm run -s cli -- <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

"<command> --help" lists a command's options. Status lines go to stderr, results to stdout.
Exit codes: 0 success, 1 runtime failure, 2 bad usage. DEBUG=1 prints stack traces.`;

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (name === undefined) throw new UsageError(`no command given; commands: ${Object.keys(COMMANDS).join(', ')} (see --help)`);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${renderHelp(command)}\n`);
    return;
  }
  const { values, args } = parseCommand(name, command, rest);
  // Silences tfjs's "install tfjs-node" banner; also skips its debug-mode checks.
  tf.enableProdMode();
  await command.run(values, args);
}

/**
 * Exits explicitly, since the wasm backend keeps the event loop alive for seconds after the work
 * is done; but only once stdout and stderr are flushed (pipes are asynchronous on macOS).
 */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  // A command may set process.exitCode (train stopped by a signal).
  () => exit(Number(process.exitCode ?? 0)),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (process.env.DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    exit(e instanceof UsageError ? 2 : 1);
  },
);
