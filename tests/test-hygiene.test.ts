// Guards the test suite's own rules, by reading the test sources:
// - a test that lacks something (shared material, chromium) skips through the runner with the
//   reason (skipUnlessShared / skipUnless / skipSuiteUnless in tests/helpers/shared.ts), never by
//   `if (!hasShared(…)) return;` or `if (!available) return;`, which count as passes;
// - a devDependency is imported normally, so that a missing one fails: no `import(…).catch(…)`
//   and no "… is not installed" skip.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TESTS_DIR = path.dirname(fileURLToPath(import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface Finding {
  line: number;
  rule: string;
  text: string;
}

/** `(…)` with up to two levels of nested parentheses inside, e.g. `hasShared(...FIXTURE, f('x'))`. */
const ARGS = String.raw`\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)`;
/** Then the early return: `return`, or `{ return` (optionally `{ console.warn(…); return`). */
const THEN_RETURN = String.raw`\s*(?:\{\s*(?:[\w$.]+${ARGS}\s*;?\s*)*)?return\b`;
/** Names that say "the thing this test needs is there". */
const AVAILABILITY = String.raw`(?:[\w$]+\.)*(?:available|ready|present|installed|supported|exists|has[A-Z][\w$]*|can[A-Z][\w$]*|[\w$]+(?:Available|Ready|Present|Installed|Supported|Exists))`;

const RULES: { rule: string; re: RegExp }[] = [
  {
    rule: 'early return when shared material is missing: use skipUnlessShared(ctx, …) or skipSuiteUnless(…)',
    re: new RegExp(String.raw`\bif\s*\(\s*!\s*(?:hasShared|sharedRequirement|existsSync|chromiumAvailable)\s*${ARGS}(?:\.available)?\s*\)${THEN_RETURN}`, 'g'),
  },
  {
    rule: 'early return when something is unavailable: skip through the runner with the reason (skipUnless(ctx, …))',
    re: new RegExp(String.raw`\bif\s*\(\s*!\s*${AVAILABILITY}\s*\)${THEN_RETURN}`, 'g'),
  },
  {
    rule: 'a devDependency imported optionally: import it normally, so that its absence fails',
    re: /\bimport\s*\([^)]*\)\s*\.catch\s*\(/g,
  },
  {
    rule: 'a skip for a package that is not installed: a missing devDependency is a failure',
    re: /\bskip\s*\(\s*(?:[^,)]*,\s*)?['"`][^'"`]*\bnot installed/g,
  },
];

/** Full-line comments blanked (keeping line numbers), so prose about the patterns is not flagged. */
function withoutCommentLines(source: string): string {
  return source
    .split('\n')
    .map((l) => (/^\s*(\/\/|\/\*|\*)/.test(l) ? '' : l))
    .join('\n');
}

export function findSkipDefects(source: string): Finding[] {
  const code = withoutCommentLines(source);
  const findings: Finding[] = [];
  for (const { rule, re } of RULES) {
    for (const m of code.matchAll(re)) {
      const line = code.slice(0, m.index).split('\n').length;
      findings.push({ line, rule, text: m[0].replace(/\s+/g, ' ') });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : testSources(p);
    return /\.(ts|js|mjs|svelte)$/.test(e.name) && p !== SELF ? [p] : [];
  });
}

describe('the skip detector', () => {
  it.for([
    "  it('x', () => {\n    if (!hasShared('fixtures', 'tiny-llama-ref')) return;\n  });",
    'if (!hasShared(...FIXTURE)) return;',
    "if (!hasShared('data', 'gsm8k', 'test.jsonl')) {\n  return;\n}",
    "if ( ! hasShared(sharedPath('a', f('b')))) { console.warn('SKIP'); return; }",
    'if (!available) return;',
    'if (!ready) return;',
    'if (!this.available) { return; }',
    'if (!chromiumAvailable()) return;',
    'if (!gpuAvailable) return;',
    'if (!hasWebGpu) return;',
    "if (!existsSync(sharedPath('x'))) return;",
    "if (!sharedRequirement('x').available) return;",
    "const w = await import('hyparquet-writer').catch(() => null);",
    "ctx.skip('hyparquet-writer is not installed, so there is no way to write a Parquet fixture');",
  ])('flags %j', (snippet) => {
    expect(findSkipDefects(snippet)).toHaveLength(1);
  });

  it.for([
    "skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');",
    'if (ready) await start();',
    "if (done?.type !== 'data-inspected') throw new Error('no event');",
    'if (!c.answer.includes(sentence)) expect(text).not.toContain(sentence);',
    'if (need.available) return true;',
    'if (!need.available) throw new Error(need.reason);',
    '// never `if (!available) return;` in a test body',
    "const { readJsonLines } = await import('../src/lib/data/jsonl');",
  ])('passes %j', (snippet) => {
    expect(findSkipDefects(snippet)).toEqual([]);
  });

  it('reports the line of each finding', () => {
    const source = ["it('a', () => {", '  expect(1).toBe(1);', '  if (!available) return;', '});'].join('\n');
    expect(findSkipDefects(source).map((f) => f.line)).toEqual([3]);
  });
});

describe('the test sources', () => {
  const files = testSources(TESTS_DIR);

  it('are found (the guard below reads real files)', () => {
    const names = files.map((f) => path.relative(TESTS_DIR, f));
    expect(names).toEqual(expect.arrayContaining(['helpers/shared.ts', 'llama-golden.test.ts', 'browser/backend.test.ts']));
    expect(names.filter((n) => n.endsWith('.test.ts')).length).toBeGreaterThan(20);
  });

  it('skip through the runner with a reason, never by an early return, and import their devDependencies', () => {
    const defects = files.flatMap((f) =>
      findSkipDefects(readFileSync(f, 'utf8')).map((d) => `tests/${path.relative(TESTS_DIR, f)}:${d.line}: ${d.rule}\n    ${d.text}`),
    );
    expect(defects, `\n${defects.join('\n')}\n`).toEqual([]);
  });
});
