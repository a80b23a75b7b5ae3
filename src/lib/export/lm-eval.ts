// The evaluations as lm-evaluation-harness (0.4.x) command lines, one per results.json, with a task
// YAML in the harness's format wherever the harness has no such task: our `chat` task, and any
// task on items other than the first N of openai/gsm8k's test split. Such a task reads the very
// items the run scored, written out from its samples.jsonl.
import { synthDataset } from '../data/synth';
import { EVAL_DATA_DEFAULTS } from '../pipeline/defaults';
import type { SavedEvalData } from '../pipeline/sources';
import { GSM8K_COT_EXEMPLARS } from '../eval/gsm8k-cot-exemplars';
import type { EvalResults } from '../eval/runner';
import { REGEXES_TO_IGNORE, TASK_RULES, type TaskName } from '../eval/scoring';
import { outputDir, type RecipeRun } from './recipe';
import { yamlDocument, type YamlEntry, type YamlMap } from './yaml-text';

/** One evaluated item as samples.jsonl keeps it. */
export interface EvalItem {
  question: string;
  answer: string;
}

export interface RecipeEval {
  results: EvalResults;
  /** The items it scored, in order (samples.jsonl's docs). */
  items: EvalItem[];
  /** The run whose fine-tuned model was evaluated; null for the base model. */
  run: RecipeRun | null;
}

export interface LmEvalFile {
  path: string;
  text: string;
}

interface EvalConfig {
  model: string;
  task: TaskName;
  batch_size: number;
  max_new_tokens: number;
  num_fewshot: number;
  fewshot_seed?: number;
  prompt_style?: 'chat' | 'plain';
  limit: number | null;
  subset_seed?: number | null;
  data: string;
  data_source?: SavedEvalData;
  gold?: 'gsm8k' | 'number';
}

const DOC_TO_TEXT: Record<TaskName, (style: 'chat' | 'plain') => string> = {
  gsm8k: () => 'Question: {{question}}\nAnswer:',
  gsm8k_cot: () => 'Q: {{question}}\nA:',
  gsm8k_cot_zeroshot: () => "Q: {{question}}\nA: Let's think step by step.",
  // With --apply_chat_template the question is the user turn, as the run's chat prompts were.
  chat: (style) => (style === 'chat' ? '{{question}}' : 'Question: {{question}}\nAnswer:'),
};

/** The items and, for 5-shot gsm8k, the exemplar pool, as files this task reads. */
function datasetKeys(testFile: string, trainFile: string | null): YamlEntry[] {
  return [
    ['dataset_path', 'json'],
    ['dataset_kwargs', { data_files: { test: testFile, ...(trainFile && { train: trainFile }) } }],
    ...(trainFile ? ([['training_split', 'train'], ['fewshot_split', 'train']] as YamlEntry[]) : []),
  ];
}

function taskYaml(name: string, c: EvalConfig, testFile: string, trainFile: string | null, poolNote: string | null): string {
  const rules = TASK_RULES[c.task];
  const filter = (pattern: string, groupSelect: number): YamlMap => ({
    function: 'regex',
    ...(groupSelect !== 0 && { group_select: groupSelect }),
    regex_pattern: pattern,
  });
  const cot = c.task === 'gsm8k_cot';
  return yamlDocument([
    `Task for lm-evaluation-harness 0.4: the run's "${c.task}" evaluation on ${c.data}.`,
    ...(c.task === 'chat' ? ['Our chat task also reads \\boxed{}, "The answer is" and the last number (chat-extract): the harness has strict and flexible only.'] : []),
    ...(c.gold === 'number' ? ['The gold answers are numbers: the run also scored them by value (numeric_match, |answer - gold| < 0.001); the harness has exact_match only.'] : []),
    ...(poolNote ? [poolNote] : []),
    ['task', name],
    ...datasetKeys(testFile, trainFile),
    ['test_split', 'test'],
    ['output_type', 'generate_until'],
    ['doc_to_text', DOC_TO_TEXT[c.task](c.prompt_style ?? 'plain')],
    // gsm8k-cot's own: its fixed exemplars have `target`, not `answer`.
    ['doc_to_target', cot ? "{{answer.split('####')[-1].strip() if answer is defined else target}}" : '{{answer}}'],
    ['generation_kwargs', { until: rules.until, do_sample: false, temperature: 0.0, max_gen_toks: c.max_new_tokens }],
    ['num_fewshot', c.num_fewshot],
    ...(cot ? [['fewshot_config', { sampler: 'first_n', samples: GSM8K_COT_EXEMPLARS.map((e) => ({ question: e.question, target: e.target })) }] as YamlEntry] : []),
    [
      'filter_list',
      [
        { name: 'strict-match', filter: [filter(rules.strict.pattern, rules.strict.groupSelect), { function: 'take_first' }] },
        { name: 'flexible-extract', filter: [filter(rules.flexible.pattern, rules.flexible.groupSelect), { function: 'take_first' }] },
      ],
    ],
    ['metric_list', [{ metric: 'exact_match', aggregation: 'mean', higher_is_better: true, ignore_case: true, ignore_punctuation: false, regexes_to_ignore: REGEXES_TO_IGNORE }]],
    ['metadata', { version: 1.0 }],
  ]);
}

/** The harness's own task serves it: a harness task on the first N items of openai/gsm8k's test split. */
const builtIn = (c: EvalConfig) => c.task !== 'chat' && c.data_source?.kind === 'hub' && c.data_source.split === 'test' && (c.subset_seed ?? null) === null;

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);
/** One line of a comment: no line break may start a command. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ');
const jsonl = (rows: object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** gsm8k's 5-shot pool: the synthetic teacher's train split is made again; another pool must be put in place. */
function fewshotPool(name: string, c: EvalConfig, files: LmEvalFile[]): { trainFile: string; note: string | null } {
  const trainFile = `lm_eval/data/${name}.train.jsonl`;
  if (c.data_source?.kind === 'synth') {
    const pool = synthDataset({ n: EVAL_DATA_DEFAULTS.synthFewshotPool, seed: c.data_source.seed }).map((r) => ({ question: r.question, answer: r.answer }));
    files.push({ path: trainFile, text: jsonl(pool) });
    return { trainFile, note: null };
  }
  return { trainFile, note: `Not mapped: the run's 5-shot exemplar pool (the hub's train split, or its --fewshot-data file): put it at ${trainFile} in GSM8K's schema.` };
}

export function lmEvalFiles(runs: RecipeRun[], evals: RecipeEval[]): LmEvalFile[] {
  const files: LmEvalFile[] = [];
  const commands: string[] = [
    '#!/bin/sh',
    "# lm-evaluation-harness 0.4 commands that reproduce each evaluation of the runs, from the recipe's folder.",
    '# Each loads the model that trl/ writes; axolotl/ and llamafactory/ write theirs to outputs/axolotl and outputs/llamafactory.',
    '# Several GPUs: accelerate launch -m lm_eval … instead of lm_eval ….',
    'set -e',
  ];
  const used = new Map<string, number>();
  for (const { results, items, run } of evals) {
    const c = results.config as unknown as EvalConfig;
    const base = `${run?.name ?? 'base'}_${c.task}`.replaceAll('-', '_');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const name = n === 1 ? base : `${base}_${n}`;
    const baseModel = run?.baseModel ?? runs[0].baseModel;
    const modelArgs = run === null ? `pretrained=${baseModel}` : run.run.config.mode === 'lora' ? `pretrained=${run.baseModel},peft=${outputDir('trl', run)}` : `pretrained=${outputDir('trl', run)}`;
    let task: string = c.task;
    const extra: string[] = [];
    const custom = !builtIn(c);
    if (custom) {
      task = `distill_${name}`;
      const testFile = `lm_eval/data/${name}.jsonl`;
      files.push({ path: testFile, text: jsonl(items.map(({ question, answer }) => ({ question, answer }))) });
      const pool = c.task === 'gsm8k' ? fewshotPool(name, c, files) : null;
      files.push({ path: `lm_eval/tasks/${task}.yaml`, text: taskYaml(task, c, testFile, pool?.trainFile ?? null, pool?.note ?? null) });
      extra.push('--include_path', 'lm_eval/tasks');
    }
    const chatTemplate = c.task === 'chat' && c.prompt_style === 'chat';
    const argv = [
      'lm_eval',
      '--model',
      'hf',
      '--model_args',
      modelArgs,
      '--tasks',
      task,
      ...extra,
      '--num_fewshot',
      String(c.num_fewshot),
      '--batch_size',
      String(c.batch_size),
      // A task of our own holds exactly the items scored; the harness's takes the first N.
      ...(!custom && c.limit !== null ? ['--limit', String(c.limit)] : []),
      ...(chatTemplate ? ['--apply_chat_template'] : []),
      '--gen_kwargs',
      `max_gen_toks=${c.max_new_tokens}`,
      '--output_path',
      `outputs/lm_eval/${name}`,
      '--log_samples',
    ];
    commands.push('', oneLine(`# ${run ? `run ${run.id} (${run.run.strategy})` : 'the base model'}: ${c.task} on ${c.data}, ${items.length} items`), argv.map(shellQuote).join(' '));
  }
  files.push({ path: 'lm_eval/commands.sh', text: `${commands.join('\n')}\n` });
  return files;
}
