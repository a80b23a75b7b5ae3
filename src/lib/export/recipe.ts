// "Export recipe": an experiment handed over to the engines that scale it out. One folder:
// data/ (each run's SFT data), axolotl/, trl/, llamafactory/ and lm_eval/ (configs, scripts and
// commands, one per run and per evaluation), and a README.md that says how to run each and what
// does not map. Pure: the inputs are read by the caller (the CLI from folders, the page's data
// worker from browser storage), so the same runs give the same bytes everywhere.
import type { TextTokenizer } from '../../../models/tokenizer';
import type { DataSource } from '../data/readers';
import type { EvalResults } from '../eval/runner';
import type { RunFile } from '../pipeline/train';
import { axolotlConfig } from './axolotl';
import { llamaFactoryConfig, llamaFactoryDatasets, llamaFactoryFile, llamaFactoryRows } from './llama-factory';
import { lmEvalFiles, type EvalItem, type RecipeEval } from './lm-eval';
import { recipeReadme } from './recipe-readme';
import { sftRows, type SftRows } from './sft-data';
import { accelerateConfig, trlScript } from './trl';
import type { ArchiveFile } from './zip';

/** One training run as read from its folder, with the evaluations made of its model. */
export interface RecipeInput {
  /** The run's id (its folder name). */
  id: string;
  run: RunFile;
  /** The training data it read (the page keeps a copy beside the run). */
  data: DataSource;
  evals: EvaluationRead[];
}

/** An evaluation as read from its folder: results.json, and the items samples.jsonl scored. */
export interface EvaluationRead {
  results: EvalResults;
  items: EvalItem[];
}

export interface RecipeOptions {
  /** The base model for the engines when the run's is a local folder or a site path: a hub id or a path on the GPU machine. */
  baseModel?: string;
  /** Evaluations of the base model. */
  baseEvals?: EvaluationRead[];
}

/** A run as the tool writers see it: its name in file names, its rows, the base model to name. */
export interface RecipeRun {
  /** File-safe and unique: the strategy, then -2, -3 … for repeats. */
  name: string;
  id: string;
  run: RunFile;
  rows: SftRows;
  baseModel: string;
  /** data/<name>.jsonl, and data/<name>.eval.jsonl when the run held examples out. */
  dataFile: string;
  evalFile: string | null;
}

/** A comment for the base model when the engines may not find it: a local folder or a site path, not a hub id. */
export function baseModelNote(r: RecipeRun): string | undefined {
  if (/^[\w-][\w.-]*\/[\w.-]+$/.test(r.baseModel) && !r.baseModel.startsWith('.')) return undefined;
  return `the run's model was ${r.run.modelDescription}: name its hub id or its path on the GPU machine here (export-recipe --base-model)`;
}

/** Where each engine writes the fine-tuned model of a run (the lm_eval commands load it from there). */
export const outputDir = (tool: 'axolotl' | 'trl' | 'llamafactory', run: Pick<RecipeRun, 'name'>) => `outputs/${tool}/${run.name}`;

function uniqueNames(inputs: RecipeInput[]): string[] {
  const seen = new Map<string, number>();
  return inputs.map(({ run }) => {
    const n = (seen.get(run.strategy) ?? 0) + 1;
    seen.set(run.strategy, n);
    return n === 1 ? run.strategy : `${run.strategy}-${n}`;
  });
}

const encoder = new TextEncoder();
const text = (path: string, body: string): ArchiveFile => ({ path, bytes: encoder.encode(body) });
const jsonl = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/**
 * The recipe's files, sorted by path. `tokenizerOf` gives each run's tokenizer (the strategy and
 * the length limit decide which records the run kept, in tokens).
 */
export async function buildRecipe(inputs: RecipeInput[], tokenizerOf: (run: RunFile) => Promise<TextTokenizer>, opts: RecipeOptions = {}): Promise<ArchiveFile[]> {
  if (inputs.length === 0) throw new Error('export recipe: give at least one training run');
  const names = uniqueNames(inputs);
  const runs: RecipeRun[] = [];
  for (const [i, input] of inputs.entries()) {
    const rows = await sftRows(input.run, input.data, await tokenizerOf(input.run));
    const name = names[i];
    runs.push({
      name,
      id: input.id,
      run: input.run,
      rows,
      baseModel: opts.baseModel ?? input.run.model ?? input.run.modelDescription,
      dataFile: `data/${name}.jsonl`,
      evalFile: rows.eval.length ? `data/${name}.eval.jsonl` : null,
    });
  }
  const evals: RecipeEval[] = [
    ...(opts.baseEvals ?? []).map((e) => ({ ...e, run: null })),
    ...inputs.flatMap((input, i) => input.evals.map((e) => ({ ...e, run: runs[i] }))),
  ];
  const files: ArchiveFile[] = [
    text('README.md', recipeReadme(runs, evals)),
    text('trl/accelerate_multi_gpu.yaml', accelerateConfig()),
    text('llamafactory/dataset_info.json', llamaFactoryDatasets(runs)),
    ...lmEvalFiles(runs, evals).map((f) => text(f.path, f.text)),
  ];
  for (const r of runs) {
    files.push(text(r.dataFile, jsonl(r.rows.train)));
    if (r.evalFile) files.push(text(r.evalFile, jsonl(r.rows.eval)));
    files.push(text(`axolotl/${r.name}.yaml`, axolotlConfig(r)));
    files.push(text(`trl/train_${r.name.replaceAll('-', '_')}.py`, trlScript(r)));
    files.push(text(`llamafactory/${r.name}.yaml`, llamaFactoryConfig(r)));
    if (r.rows.style === 'plain') {
      files.push(text(llamaFactoryFile(r.dataFile), jsonl(llamaFactoryRows(r.rows.train, r.rows.eosText))));
      if (r.evalFile) files.push(text(llamaFactoryFile(r.evalFile), jsonl(llamaFactoryRows(r.rows.eval, r.rows.eosText))));
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
