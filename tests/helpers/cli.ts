// Runs the command line as a user does (tsx cli/main.ts), for the CLI tests.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, ['cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The last stdout line, parsed: where --json puts its result. */
export function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trimEnd().split('\n').at(-1)!);
}

/**
 * The command line as a child process that a test can signal: node runs cli/main.ts itself (with
 * tsx as a loader), so a signal reaches the CLI and not a wrapper. `waitFor` resolves once stderr
 * matches.
 */
export function spawnCli(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '' } });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => {
    stderr += b;
    for (const w of watchers.splice(0)) (w.pattern.test(stderr) ? w.resolve() : watchers.push(w));
  });
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return {
    child,
    done,
    waitFor: (pattern: RegExp) => new Promise<void>((resolve) => (pattern.test(stderr) ? resolve() : watchers.push({ pattern, resolve }))),
  };
}
