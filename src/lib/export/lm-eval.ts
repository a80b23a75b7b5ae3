// The evaluations as lm-evaluation-harness (0.4.x) command lines, one per results.json, with a task
// YAML in the harness's format wherever the harness has no such task: our `chat` task, and any
// task on eval data other than openai/gsm8k's test split (the synthetic items are written out).
import { synthEvalItems } from '../pipeline/sources';
import type { SavedEvalData } from '../pipeline/sources';
import { GSM8K_COT_EXEMPLARS } from '../eval/gsm8k-cot-exemplars';
import type { EvalResults } from '../eval/runner';
import { REGEXES_TO_IGNORE, TASK_RULES, type TaskName } from '../eval/scoring';
import { outputDir, type RecipeRun } from './recipe';
import { yamlDocument, type YamlEntry, type YamlMap } from './yaml-text';

export interface RecipeEval {
  results: EvalResults;
  /** The run whose fine-tuned model was evaluated; null for the base model. */
  run: RecipeRun | null;
}

export interface LmEvalFile {
  path: string;
  text: string;
}

interface EvalConfig {
  task: TaskName;
  batch_size: number;
  max_new_tokens: number;
  num_fewshot: number;
  prompt_style?: 'chat' | 'plain';
  limit: number | null;
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

/** Where the items come from, as a harness task YAML names a dataset. */
function datasetKeys(source: SavedEvalData | undefined, dataFile: string | null): YamlEntry[] {
  if (dataFile) return [['dataset_path', 'json'], ['dataset_kwargs', { data_files: { test: dataFile } }]];
  if (source?.kind === 'url') return [['dataset_path', 'json'], ['dataset_kwargs', { data_files: { test: source.url } }, 'the file the run evaluated: a path on this machine or a URL']];
  if (source?.kind === 'file') return [['dataset_path', 'json'], ['dataset_kwargs', { data_files: { test: source.name } }, 'the file picked in the page: put it beside this recipe']];
  return [['dataset_path', 'openai/gsm8k'], ['dataset_name', 'main']];
}

function taskYaml(name: string, c: EvalConfig, dataFile: string | null): string {
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
    ...(c.task === 'gsm8k' ? ['Not mapped: the run drew its 5 exemplars from a train split; give the harness one (training_split, fewshot_split) for 5-shot.'] : []),
    ['task', name],
    ...datasetKeys(c.data_source, dataFile),
    ['test_split', 'test'],
    ['output_type', 'generate_until'],
    ['doc_to_text', DOC_TO_TEXT[c.task](c.prompt_style ?? 'plain')],
    ['doc_to_target', cot ? "{{answer.split('####')[-1].strip()}}" : '{{answer}}'],
    ['generation_kwargs', { until: rules.until, do_sample: false, temperature: 0.0, max_gen_toks: c.max_new_tokens }],
    ['num_fewshot', cot ? GSM8K_COT_EXEMPLARS.length : 0],
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

/** The harness's own task serves it: a harness task on openai/gsm8k's test split. */
const builtIn = (c: EvalConfig) => c.task !== 'chat' && c.data_source?.kind === 'hub' && c.data_source.split === 'test';

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

export function lmEvalFiles(runs: RecipeRun[], evals: RecipeEval[]): LmEvalFile[] {
  const files: LmEvalFile[] = [];
  const commands: string[] = [
    '#!/bin/sh',
    '# lm-evaluation-harness 0.4 commands that reproduce each evaluation of the runs, from the recipe\'s folder.',
    '# Each loads the model that trl/ writes; axolotl/ and llamafactory/ write theirs to outputs/axolotl and outputs/llamafactory.',
    '# Several GPUs: accelerate launch -m lm_eval … instead of lm_eval ….',
    'set -e',
  ];
  const used = new Map<string, number>();
  for (const { results, run } of evals) {
    const c = results.config as unknown as EvalConfig;
    const base = `${run?.name ?? 'base'}_${c.task}`.replaceAll('-', '_');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const name = n === 1 ? base : `${base}_${n}`;
    const model = run ?? runs[0];
    const modelArgs =
      run === null ? `pretrained=${model.baseModel}` : run.run.config.mode === 'lora' ? `pretrained=${run.baseModel},peft=${outputDir('trl', run)}` : `pretrained=${outputDir('trl', run)}`;
    let task: string = c.task;
    const extra: string[] = [];
    if (!builtIn(c)) {
      task = `distill_${name}`;
      let dataFile: string | null = null;
      if (c.data_source?.kind === 'synth') {
        dataFile = `lm_eval/data/${name}.jsonl`;
        const items = synthEvalItems(c.data_source).slice(0, c.limit ?? undefined);
        files.push({ path: dataFile, text: items.map((d) => `${JSON.stringify({ question: d.question, answer: d.answer })}\n`).join('') });
      }
      files.push({ path: `lm_eval/tasks/${task}.yaml`, text: taskYaml(task, c, dataFile) });
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
      ...(c.limit !== null ? ['--limit', String(c.limit)] : []),
      ...(chatTemplate ? ['--apply_chat_template'] : []),
      '--gen_kwargs',
      `max_gen_toks=${c.max_new_tokens}`,
      '--output_path',
      `outputs/lm_eval/${name}`,
      '--log_samples',
    ];
    commands.push('', `# ${run ? `run ${run.id} (${run.run.strategy})` : 'the base model'}: ${c.task} on ${c.data}`, argv.map(shellQuote).join(' '));
  }
  files.push({ path: 'lm_eval/commands.sh', text: `${commands.join('\n')}\n` });
  return files;
}
