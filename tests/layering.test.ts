// The project's layers, read from the sources' import lines:
// - models/ imports nothing from src/, workers/ or cli/;
// - the core (src/lib outside the page layer) imports nothing from workers/, the page layer or Svelte;
// - workers/protocol.ts imports types only;
// - one pipeline: the trainer and the eval runner are driven only from src/lib/pipeline, and the
//   workers, the CLI and the experiment call the pipeline.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli';

/** Every .ts and .svelte file under `dir`, relative to the repo root. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|svelte)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** A file's imports, resolved to repo paths (packages stay as named). */
function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({
    target: m[3].startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), m[3])) : m[3],
    typeOnly: m[2] !== undefined,
  }));
}

/** The page layer: Svelte state and the workers' page-side clients. */
const PAGE_LAYER = /^src\/lib\/(state|clients)\//;

describe('layers', () => {
  it('models/ imports nothing from src/, workers/ or cli/', () => {
    const bad = sources('models').flatMap((f) => imports(f).filter((i) => /^(src|workers|cli)\//.test(i.target)).map((i) => `${f} → ${i.target}`));
    expect(bad).toEqual([]);
  });

  it('the core in src/lib imports nothing from workers/, the page layer or Svelte', () => {
    const core = sources('src/lib').filter((f) => !PAGE_LAYER.test(f));
    expect(core.length).toBeGreaterThan(50);
    const bad = core.flatMap((f) =>
      imports(f)
        .filter((i) => /^workers\//.test(i.target) || PAGE_LAYER.test(i.target) || /^svelte/.test(i.target))
        .map((i) => `${f} → ${i.target}`),
    );
    expect(bad).toEqual([]);
  });

  it('workers/protocol.ts imports types only, and none from the page layer', () => {
    const all = imports('workers/protocol.ts');
    expect(all.length).toBeGreaterThan(3);
    expect(all.filter((i) => !i.typeOnly || PAGE_LAYER.test(i.target))).toEqual([]);
  });

  it('the trainer and the eval runner are driven only from src/lib/pipeline', () => {
    const drivers = (name: RegExp) =>
      [...sources('src'), ...sources('workers'), ...sources('cli'), ...sources('scripts')].filter((f) => name.test(readFileSync(path.join(ROOT, f), 'utf8')));
    // Pretraining the bundled model runs the trainer on raw text: no SFT data, strategy or eval.
    expect(drivers(/new Trainer\(|Trainer\.resume\(/).filter((f) => f !== 'src/lib/train/trainer.ts').sort()).toEqual(['scripts/pretrain-default.ts', 'src/lib/pipeline/train.ts']);
    expect(drivers(/\brunEval\(/).filter((f) => f !== 'src/lib/eval/runner.ts')).toEqual(['src/lib/pipeline/evaluate.ts']);
  });

  it.each([
    ['workers/train.worker.ts', 'src/lib/pipeline/train'],
    ['cli/commands/train.ts', 'src/lib/pipeline/train'],
    ['scripts/experiment-job.ts', 'src/lib/pipeline/train'],
    ['workers/eval.worker.ts', 'src/lib/pipeline/evaluate'],
    ['cli/commands/eval.ts', 'src/lib/pipeline/evaluate'],
    ['scripts/experiment-job.ts', 'src/lib/pipeline/evaluate'],
    ['workers/data.worker.ts', 'src/lib/pipeline/inspect'],
  ])('%s calls %s', (file, module) => {
    expect(imports(file).map((i) => i.target)).toContain(module);
  });
});

/** The file an import target names: as written, or with the extension or index the bundler adds. */
function resolveSource(target: string): string | null {
  const tries = [target, `${target}.ts`, `${target}.svelte`, `${target}/index.ts`];
  return tries.find((t) => existsSync(path.join(ROOT, t)) && statSync(path.join(ROOT, t)).isFile()) ?? null;
}

describe("the page's own bundle", () => {
  // The page does no numerics: TensorFlow.js (1.4 MB of the page bundle when a constant pulled it
  // in) and transformers.js load in the workers only, so the page is ready sooner.
  it('reaches no TensorFlow.js or transformers.js through value imports from src/main.ts', () => {
    const seen = new Set<string>();
    const heavy: string[] = [];
    const visit = (file: string, chain: string[]) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { target, typeOnly } of imports(file)) {
        if (typeOnly) continue;
        if (/^@tensorflow\/|^@huggingface\/transformers/.test(target)) heavy.push([...chain, file, target].join(' → '));
        const local = /^(src|models|workers)\//.test(target) ? resolveSource(target) : null;
        if (local) visit(local, [...chain, file]);
      }
    };
    visit('src/main.ts', []);
    expect(seen.size).toBeGreaterThan(40);
    expect(heavy).toEqual([]);
  });
});

describe('TensorFlow.js imports', () => {
  // The bundle would put its layers, converter and webgl into every worker's startup again.
  it('no module the page or a worker bundles imports the @tensorflow/tfjs bundle', () => {
    const bundled = [...sources('models'), ...sources('src'), ...sources('workers')];
    const bad = bundled.flatMap((f) => imports(f).filter((i) => i.target === '@tensorflow/tfjs').map(() => f));
    expect(bad).toEqual([]);
  });
});

describe("the README's layout", () => {
  /** Browser globals: the DOM, workers, WebGPU, the Cache API, OPFS, Svelte's runes. */
  const BROWSER = /\bdocument\.|\bwindow\.|new Worker\(|navigator\.|\bcaches\.|crossOriginIsolated|URL\.createObjectURL|\$state|\$derived|\$effect/;

  it('names exactly the files and folders that touch the DOM or Workers', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /\*\*What touches the DOM or Workers\*\*([\s\S]*?)\n- `workers\/`/.exec(readme)![1];
    const named = [...section.matchAll(/`((?:src|models)\/[\w/.-]+)`|`([\w-]+\.ts)`/g)].map((m) => m[1] ?? `models/${m[2]}`);
    const touching = [...sources('src/lib'), ...sources('models')].filter((f) => BROWSER.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(touching.filter((f) => !named.some((n) => f === n || f.startsWith(n)))).toEqual([]);
    expect(named.filter((n) => !touching.some((f) => f === n || f.startsWith(n)))).toEqual([]);
  });
});
