// ../shared holds material that must not be copied into the repo (GSM8K, reference fixtures).
// Tests that need it skip with a clear message when it is absent, unless REQUIRE_SHARED=1
// (set by .ci/run), in which case its absence is a failure.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const SHARED_DIR = path.resolve(
  process.env.DISTILL_SHARED_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../shared'),
);

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/** True when the shared material at `parts` exists; throws when it is required but missing. */
export function hasShared(...parts: string[]): boolean {
  const p = sharedPath(...parts);
  if (existsSync(p)) return true;
  const message = `shared material missing: ${p} (clone the shared folder beside the repo, or set DISTILL_SHARED_DIR)`;
  if (process.env.REQUIRE_SHARED === '1') throw new Error(`${message}; REQUIRE_SHARED=1 makes this a failure`);
  console.warn(`SKIP: ${message}`);
  return false;
}
