// eval: the pipeline's evaluation (src/lib/pipeline/evaluate.ts) with its outputs in a folder:
// flags in, status lines out, results.json and samples.jsonl in DIR.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { asUsage, BACKEND_OPTION, command, DATA_OPTIONS, FORCE_OPTION, THREADS_OPTION, UsageError, type OptionValues } from '../args';
import { evalDataSource } from '../eval-data';
import { checkLocalPath, log } from '../load';
import { parseEvalFieldMap } from '../../src/lib/eval/data';
import { EVAL_DEFAULTS } from '../../src/lib/eval/runner';
import { NUMERIC_TOLERANCE } from '../../src/lib/eval/scoring';
import { TASK_NAMES } from '../../src/lib/eval/tasks';
import { EVAL_DATA_DEFAULTS } from '../../src/lib/pipeline/defaults';
import { runEvaluation, type EvalEvent } from '../../src/lib/pipeline/evaluate';
import type { EvalDataSource } from '../../src/lib/pipeline/sources';
import { nodeFolderStore } from '../../src/lib/storage/node-store';

type Values = OptionValues<typeof evalCommand.options>;

/** --data: "synth", "hub:test" / "hub:train" (openai/gsm8k on the hub), or a file path / URL. */
const dataSource = (v: Values): EvalDataSource => evalDataSource(v.data, { n: v['synth-n'], seed: v['synth-seed'], difficulty: v.difficulty }, '--data');

/**
 * gsm8k's few-shot pool, when the pipeline cannot choose it: --fewshot-data, else the train.jsonl
 * beside a local GSM8K test file (a filesystem has neighbours; the page has no such thing).
 */
function fewshotFile(v: Values, data: EvalDataSource): string | undefined {
  if (v['fewshot-data'] !== undefined) return v['fewshot-data'];
  if (v.task !== 'gsm8k' || data.kind !== 'url' || /^https?:/.test(data.url)) return undefined;
  const sibling = path.join(path.dirname(data.url), 'train.jsonl');
  return existsSync(sibling) && path.resolve(sibling) !== path.resolve(data.url) ? sibling : undefined;
}

export const evalCommand = command({
  summary: 'Evaluate a model on GSM8K-style items (harness-compatible scoring); writes results.json and samples.jsonl',
  usage: 'eval --model SRC --data D [--task T] [--limit N] [--batch B] [--max-new-tokens N] --out DIR [--json]',
  about: `Gold answers are GSM8K solutions ending "#### N" (scored by exact_match, as the harness does), or
numbers: a JSON number or a string holding only one (42, -3.5, "1,234"). A numeric gold is also
scored by value, PAL's rule: right when |answer - gold| < ${NUMERIC_TOLERANCE} (results.json: numeric_match,…).
PAL's files ({"input","target"}: GSM-Hard, SVAMP, ASDiv, MAWPS) need no field map:
  eval --model M --data gsmhardv2.jsonl --task chat --out runs/gsm-hard
SVAMP's own file ({"Body","Question","Answer"}) joins body and question with one space:
  eval --model M --data SVAMP.json --field-map question=Body+Question,answer=Answer --task chat --out runs/svamp`,
  options: {
    model: { kind: 'string', arg: 'SRC', required: true, help: 'model folder, http(s) URL, or Hugging Face id' },
    data: {
      kind: 'string',
      arg: 'D',
      required: true,
      help: 'a JSONL/JSON/Parquet file or URL in GSM8K\'s schema ({"question","answer"} ending "#### N")\nor with a number as the answer (PAL\'s {"input","target"}; other names: --field-map),\nhub:test or hub:train (openai/gsm8k\'s Parquet from the hub),\nor synth (the synthetic teacher\'s held-out split: --synth-n, --synth-seed, --difficulty)',
    },
    task: {
      kind: 'choice',
      choices: TASK_NAMES,
      arg: 'T',
      default: EVAL_DATA_DEFAULTS.task,
      help: 'gsm8k: 5-shot "Question: …\\nAnswer:"; gsm8k_cot: 8 fixed exemplars; gsm8k_cot_zeroshot;\nchat: zero-shot in the prompt format training used',
    },
    out: { kind: 'string', arg: 'DIR', required: true, help: 'where results.json and samples.jsonl go' },
    limit: { kind: 'number', integer: true, min: 1, help: 'the first N items' },
    'subset-seed': { kind: 'number', arg: 'S', integer: true, min: 0, help: 'with --limit N: N items drawn with seed S instead of the first' },
    batch: { kind: 'number', arg: 'B', integer: true, min: 1, default: EVAL_DEFAULTS.batchSize, help: 'prompts decoded together' },
    'max-new-tokens': { kind: 'number', integer: true, min: 1, default: EVAL_DEFAULTS.maxNewTokens, help: 'tokens generated at most per item' },
    'field-map': { kind: 'string', arg: 'MAP', help: 'question=FIELD,answer=FIELD for other schemas; + joins question fields\nwith a space, e.g. question=Body+Question,answer=Answer (SVAMP)' },
    'fewshot-data': { kind: 'string', arg: 'FILE', help: "gsm8k's few-shot pool, a GSM8K-schema train file\n(default: the hub's or the synthetic train split, or train.jsonl beside a local data file)" },
    'prompt-style': { ...DATA_OPTIONS['prompt-style'], help: `chat task: ${DATA_OPTIONS['prompt-style'].help}` },
    'synth-n': { kind: 'number', integer: true, min: 1, default: EVAL_DATA_DEFAULTS.synthN, help: 'synth: items in the held-out split' },
    'synth-seed': { kind: 'number', arg: 'S', integer: true, min: 0, default: EVAL_DATA_DEFAULTS.synthSeed, help: 'synth: the seed' },
    difficulty: { kind: 'string', arg: 'D', help: 'synth: steps per problem, 2 or a range such as 1-2 (default: all)' },
    endpoint: { kind: 'string', arg: 'URL', help: 'the hub, for hub ids and hub:… data (default https://huggingface.co)' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    force: FORCE_OPTION,
    json: { kind: 'flag', help: "last stdout line: the task's metrics, with the timing" },
  },

  async run(v) {
    if (v['subset-seed'] !== undefined && v.limit === undefined) throw new UsageError('--subset-seed needs --limit N');
    checkLocalPath(v.model);
    const data = dataSource(v);
    const out = path.resolve(v.out);
    let shown = -1;
    const post = (e: EvalEvent) => {
      if (e.type === 'eval-backend') log(e.info.summary);
      else if (e.type === 'eval-log') log(e.line);
      else if (e.type === 'eval-progress' && e.done !== shown) {
        shown = e.done;
        log(`  ${e.done}/${e.total}${e.etaSeconds === null ? '' : `, ${e.etaSeconds.toFixed(0)} s left`}`);
      }
    };
    const done = await runEvaluation(
      {
        model: v.model,
        data,
        task: v.task,
        limit: v.limit,
        subsetSeed: v['subset-seed'],
        batchSize: v.batch,
        maxNewTokens: v['max-new-tokens'],
        promptStyle: v['prompt-style'],
        fieldMap: v['field-map'] === undefined ? undefined : asUsage(() => parseEvalFieldMap(v['field-map']!), '--field-map: '),
        fewshot: fewshotFile(v, data),
        backend: v.backend,
        endpoint: v.endpoint,
        force: v.force,
      },
      { post, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(out)), outFolder: out, backend: { threads: v.threads } },
    );
    if (v.json) process.stdout.write(`${JSON.stringify({ ...done.results.results[v.task], ...done.results.timing })}\n`);
  },
});
