// export-recipe: training runs (and their evaluations) handed over to axolotl, TRL, LLaMA-Factory
// and lm-evaluation-harness (src/lib/pipeline/export-recipe.ts); the recipe is written to a folder,
// and as a zip too when asked (the page's download holds the same bytes).
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { command, UsageError } from '../args';
import { log } from '../load';
import { exportRecipe, type FolderAccess } from '../../src/lib/pipeline/export-recipe';
import { zipFiles } from '../../src/lib/export/zip';
import { nodeFolderStore } from '../../src/lib/storage/node-store';

const node: FolderAccess = {
  store: (dir) => Promise.resolve(nodeFolderStore(dir)),
  files: (dir) => Promise.resolve(existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile()) : []),
};

/** A run's evaluations: RUN_DIR/eval/results.json, or RUN_DIR/eval/*\/results.json (one per task). */
function evalFolders(runDir: string): string[] {
  const root = path.join(runDir, 'eval');
  if (existsSync(path.join(root, 'results.json'))) return [root];
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => path.join(root, d))
    .filter((d) => existsSync(path.join(d, 'results.json')))
    .sort();
}

export const exportRecipeCommand = command({
  summary: 'Write the runs as recipes for axolotl, TRL, LLaMA-Factory and lm-evaluation-harness',
  usage: 'export-recipe RUN_DIR… --out DIR [--base-eval DIR …] [--base-model ID] [--zip FILE]',
  about: `Each RUN_DIR is a "train --out" folder; its evaluations are read from RUN_DIR/eval (the folder
"eval --out RUN_DIR/eval" writes, or one folder per task below it). DIR gets data/ (each run's SFT
data), axolotl/, trl/, llamafactory/, lm_eval/ and a README.md on how to run them and what does not map.`,
  positionals: ['RUN_DIR…'],
  options: {
    out: { kind: 'string', arg: 'DIR', required: true, help: 'where the recipe goes (a new or empty folder)' },
    'base-eval': { kind: 'string', arg: 'DIR', multiple: true, help: "an evaluation of the base model (its results.json's folder); repeatable" },
    'base-model': { kind: 'string', arg: 'ID', help: "the base model to name, when the runs' is a local folder (a hub id or a path on the GPU machine)" },
    zip: { kind: 'string', arg: 'FILE', help: 'also write the recipe as a zip (the page downloads the same bytes)' },
  },

  async run(v, { positionals }) {
    const out = path.resolve(v.out);
    if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`--out ${v.out} is not empty; give a new folder (an export never overwrites)`);
    const runs = positionals.map((dir) => {
      const folder = path.resolve(dir);
      if (!existsSync(path.join(folder, 'run.json'))) throw new UsageError(`${dir}: no run.json there; give the folder a "train --out" run wrote`);
      return { id: path.basename(folder), folder, evalFolders: evalFolders(folder) };
    });
    const files = await exportRecipe({ runs, baseEvalFolders: (v['base-eval'] ?? []).map((d) => path.resolve(d)), baseModel: v['base-model'] }, node);
    for (const f of files) {
      const target = path.join(out, f.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, f.bytes);
    }
    if (v.zip) writeFileSync(v.zip, zipFiles(files));
    log(`wrote ${files.length} files to ${out}${v.zip ? ` and ${v.zip}` : ''}: ${runs.length} run(s), ${runs.reduce((n, r) => n + r.evalFolders.length, 0) + (v['base-eval']?.length ?? 0)} evaluation(s); see its README.md`);
  },
});
