// ../shared holds material that must not be copied into the repo (GSM8K, reference fixtures).
// Tests that need it skip through the runner, with the reason as the skip note, when it is absent,
// unless REQUIRE_SHARED=1 (set by .ci/run), in which case its absence fails the test.
//
//   it('reads the fixture', (ctx) => {
//     skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
//     …
//   });
//
//   describe('needs chromium and the fixture', () => {
//     const ready = skipSuiteUnless(chromiumRequirement(), sharedRequirement(...FIXTURE));
//     beforeAll(async () => { if (ready) browser = await launchChromium(); });
//     …
//   });
//
// Never `if (!available) return;` in a test body: that counts as a pass (tests/test-hygiene.test.ts
// fails on it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { beforeEach } from 'vitest';

export const SHARED_DIR = path.resolve(
  process.env.DISTILL_SHARED_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../shared'),
);

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/** Something a test needs from outside the repo: shared material, the system chromium. */
export interface Requirement {
  available: boolean;
  /** Why it is missing (the skip note, or the failure message); '' when available. */
  reason: string;
  /** When true its absence fails the test instead of skipping it (REQUIRE_SHARED=1, CI, …). */
  required: boolean;
  /** The switch that made it required, for the failure message. */
  requiredBy: string;
}

/** The minimal test context: vitest's `ctx.skip(note)` throws, so nothing after it runs. */
export interface SkipContext {
  skip(note?: string): never;
}

/** Whether the shared material at `parts` exists; never throws (see `skipUnless`). */
export function sharedRequirement(...parts: string[]): Requirement {
  const p = sharedPath(...parts);
  const available = existsSync(p);
  return {
    available,
    reason: available ? '' : `shared material missing: ${p} (clone the shared folder beside the repo, or set DISTILL_SHARED_DIR)`,
    required: process.env.REQUIRE_SHARED === '1',
    requiredBy: 'REQUIRE_SHARED=1',
  };
}

const warned = new Set<string>();

/**
 * Skips the running test through the runner (the reason is its skip note, shown by the verbose
 * reporter as `↓ name [reason]`, plus one SKIP line on stderr per file and reason) unless every
 * requirement is available. A missing requirement that is `required` fails the test instead.
 */
export function skipUnless(ctx: SkipContext, ...needs: Requirement[]): void {
  const missing = needs.filter((n) => !n.available);
  if (missing.length === 0) return;
  const required = missing.filter((n) => n.required);
  if (required.length > 0) {
    throw new Error(required.map((n) => `${n.reason}; ${n.requiredBy} makes this a failure`).join('\n'));
  }
  const note = missing.map((n) => n.reason).join('; ');
  if (!warned.has(note)) {
    warned.add(note);
    console.warn(`SKIP: ${note}`);
  }
  ctx.skip(note);
}

/** `skipUnless(ctx, sharedRequirement(...parts))`. */
export function skipUnlessShared(ctx: SkipContext, ...parts: string[]): void {
  skipUnless(ctx, sharedRequirement(...parts));
}

/**
 * Call inside a `describe`: every test in it is skipped with the reason (or fails, when required)
 * unless all `needs` are available. Returns whether they are, so a `beforeAll` can leave out setup
 * (launching chromium, starting a server) that cannot work without them.
 */
export function skipSuiteUnless(...needs: Requirement[]): boolean {
  beforeEach((ctx) => skipUnless(ctx, ...needs));
  return needs.every((n) => n.available);
}

/**
 * For an optional part of a test that runs either way (not for skipping: see `skipUnlessShared`).
 * True when the shared material at `parts` exists; throws when REQUIRE_SHARED=1 and it is missing.
 * `if (!hasShared(…)) return;` in a test body is forbidden by tests/test-hygiene.test.ts.
 */
export function hasShared(...parts: string[]): boolean {
  const need = sharedRequirement(...parts);
  if (need.available) return true;
  if (need.required) throw new Error(`${need.reason}; ${need.requiredBy} makes this a failure`);
  console.warn(`SKIP: ${need.reason}`);
  return false;
}
