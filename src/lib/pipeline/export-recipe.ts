// "Export recipe" from run folders to the recipe's files: read each training run's run.json, its
// data (the copy in its data/ folder, which the page keeps, else the file run.json names) and the
// results.json of its evaluations, load each run's tokenizer, and build the recipe. The CLI's
// `export-recipe` reads folders on disk; the page's data worker reads browser storage.
import { resolveSource } from '../../../models/files';
import { loadTokenizer, type TextTokenizer } from '../../../models/tokenizer';
import type { DataSource } from '../data/readers';
import type { EvalResults } from '../eval/runner';
import type { EvalItem } from '../export/lm-eval';
import { buildRecipe, type EvaluationRead, type RecipeInput } from '../export/recipe';
import type { ArchiveFile } from '../export/zip';
import { readJson, type FileStore } from '../storage/file-store';
import { RUN_FILE, type RunFile } from './train';

/** Folders by path: a directory (Node) or a folder of browser storage (OPFS). */
export interface FolderAccess {
  store(path: string): Promise<FileStore>;
  /** The files of a folder, as the data readers take them; [] when there is none. */
  files(path: string): Promise<DataSource[]>;
}

export interface RecipeRequest {
  /** Each training run's folder, and the folders of its evaluations' results.json. */
  runs: { id: string; folder: string; evalFolders: string[] }[];
  /** Folders of results.json of evaluations of the base model. */
  baseEvalFolders?: string[];
  /** The base model to name in the recipe, when the runs' is a local folder or a site path. */
  baseModel?: string;
}

const decoder = new TextDecoder();

/** results.json and the items samples.jsonl scored (the export's task files hold exactly those). */
async function readEvaluation(access: FolderAccess, folder: string): Promise<EvaluationRead> {
  const store = await access.store(folder);
  const results = await readJson<EvalResults>(store, 'results.json');
  const samples = await store.read('samples.jsonl');
  if (!results || !samples) throw new Error(`${store.description} has no results.json and samples.jsonl: give the folder an evaluation wrote`);
  const items = decoder
    .decode(samples)
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      try {
        const { doc } = JSON.parse(line) as { doc: EvalItem };
        return { question: doc.question, answer: doc.answer };
      } catch {
        throw new Error(`${store.description}/samples.jsonl, line ${i + 1}: not a sample record; the file is damaged. Evaluate again to rewrite it.`);
      }
    });
  return { results, items };
}

async function readRun(access: FolderAccess, run: RecipeRequest['runs'][number]): Promise<RecipeInput> {
  const store = await access.store(run.folder);
  const file = await readJson<RunFile>(store, RUN_FILE);
  if (!file) throw new Error(`${store.description} has no ${RUN_FILE}: give the folder of a training run ("train --out" writes one)`);
  const copies = await access.files(`${run.folder}/data`);
  if (copies.length > 1) throw new Error(`${store.description}/data holds ${copies.length} files; a run keeps one copy of its data there`);
  const data = copies[0] ?? file.data;
  if (data === null) throw new Error(`${store.description}: the run trained on ${file.dataDescription}, a picked file, and its copy in data/ is gone`);
  return { id: run.id, run: file, data, evals: await Promise.all(run.evalFolders.map((f) => readEvaluation(access, f))) };
}

/** The run's tokenizer, from its model (the strategy and the length limit are counted in its tokens). */
async function runTokenizer(run: RunFile): Promise<TextTokenizer> {
  if (run.model === null) throw new Error(`the run trained ${run.modelDescription}, picked as local files; export from a run whose model is a folder, URL or hub id`);
  const tokenizer = await loadTokenizer(await resolveSource(run.model, { endpoint: run.endpoint, revision: run.revision }));
  if (!tokenizer) throw new Error(`${run.modelDescription} has no tokenizer.json; the export needs the run's tokenizer`);
  return tokenizer;
}

export async function exportRecipe(request: RecipeRequest, access: FolderAccess): Promise<ArchiveFile[]> {
  const inputs = await Promise.all(request.runs.map((run) => readRun(access, run)));
  const baseEvals = await Promise.all((request.baseEvalFolders ?? []).map((f) => readEvaluation(access, f)));
  // The runs of one experiment share their model: its tokenizer is loaded once.
  const tokenizers = new Map<string, Promise<TextTokenizer>>();
  const tokenizerOf = (run: RunFile) => {
    const key = JSON.stringify([run.model, run.endpoint, run.revision]);
    if (!tokenizers.has(key)) tokenizers.set(key, runTokenizer(run));
    return tokenizers.get(key)!;
  };
  return buildRecipe(inputs, tokenizerOf, { baseEvals, baseModel: request.baseModel });
}
