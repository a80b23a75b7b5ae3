// "Export recipe": real training runs (the tiny model, one step each; full and LoRA, chat and
// plain prompts) and their evaluations, exported by the CLI; every file is read back with real
// parsers (YAML with the yaml package and PyYAML, JSON, the TRL script with Python's own ast) and
// each mapped value is checked against the run's config.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { mappingTables } from '../src/lib/export/recipe-readme';
import { runEvaluation } from '../src/lib/pipeline/evaluate';
import { startTraining, type RunFile, type TrainEvent } from '../src/lib/pipeline/train';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import type { TrainConfig } from '../src/lib/train/config';
import { browserRequiredBy } from './helpers/chromium';
import { cli, ROOT } from './helpers/cli';
import { startHubServer, type HubServer } from './helpers/hub-server';
import { sharedPath, sharedRequirement, skipSuiteUnless, type Requirement } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const PYTHON = '/usr/bin/python3';
/** Python with PyYAML parses what the engines parse; CI installs both (.ci/run), so there it must be present. */
const python: Requirement = {
  available: existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import yaml']).status === 0,
  reason: `no ${PYTHON} with PyYAML to parse the exported YAML and Python with (apt-get install python3 python3-yaml)`,
  required: browserRequiredBy() !== '',
  requiredBy: browserRequiredBy(),
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-recipe-'));
const modelDir = path.join(tmp, 'model');
const dataFile = path.join(tmp, 'train.jsonl');

/** The four runs: full and LoRA, chat template and plain prompts, each with other settings to map. */
const RUNS: { id: string; strategy: string; promptStyle: 'auto' | 'plain'; evalSize: number; config: Partial<TrainConfig> }[] = [
  { id: 'full-chat', strategy: 'answer', promptStyle: 'auto', evalSize: 2, config: { maxSteps: 1, batchSize: 4, learningRate: 3e-4, schedule: 'cosine', minLrRatio: 0.1, warmupSteps: 3, evalEvery: 1, checkpointEvery: 5, seed: 7 } },
  { id: 'lora-chat', strategy: 'think-summary', promptStyle: 'auto', evalSize: 0, config: { mode: 'lora', lora: { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj'] }, epochs: 1, batchSize: 8, gradAccumSteps: 2, schedule: 'linear', weightDecay: 0, maxGradNorm: 0.5, gradientCheckpointing: true } },
  { id: 'full-plain', strategy: 'original', promptStyle: 'plain', evalSize: 0, config: { maxSteps: 1, batchSize: 4, schedule: 'constant', packing: true, maxLength: 256, beta2: 0.95, epsilon: 1e-6 } },
  { id: 'lora-plain', strategy: 'full', promptStyle: 'plain', evalSize: 2, config: { mode: 'lora', maxSteps: 1, batchSize: 4, warmupRatio: 0.1, groupByLength: true } },
];

describe('export recipe', () => {
  const ready = skipSuiteUnless(sharedRequirement('fixtures', 'tiny-llama-ref'), sharedRequirement('data', 'gsm8k', 'test.jsonl'), python);
  let hub: HubServer | undefined;
  const runFiles = new Map<string, RunFile>();
  const kept = new Map<string, number>();
  const out = path.join(tmp, 'recipe');
  const runDir = (id: string) => path.join(tmp, 'runs', id);

  beforeAll(async () => {
    if (ready) await setUp();
  }, 240_000);
  async function setUp() {
    await useBackend('wasm');
    writeTinyModelFolder(modelDir, { withTokenizer: true });
    writeFileSync(dataFile, toJsonl(synthDataset({ n: 16, seed: 3, difficulty: [1, 2] })));
    for (const r of RUNS) {
      const events: TrainEvent[] = [];
      const host = { post: (e: TrainEvent) => events.push(e), control: () => 'continue' as const, store: (part: string) => Promise.resolve(nodeFolderStore(path.join(runDir(r.id), part))), runFolder: runDir(r.id) };
      await startTraining({ model: modelDir, data: dataFile, strategy: r.strategy as RunFile['strategy'], promptStyle: r.promptStyle, evalSize: r.evalSize, backend: 'wasm' }, r.config, host);
      runFiles.set(r.id, JSON.parse(readFileSync(path.join(runDir(r.id), 'run.json'), 'utf8')));
      const report = events.find((e) => e.type === 'train-data');
      kept.set(r.id, report!.type === 'train-data' ? report!.report.kept : 0);
    }
    // The fine-tuned full-chat run on synthetic items (our chat task); the base model on GSM8K from a stand-in hub.
    const evalHost = (dir: string) => ({ post: () => {}, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(dir)), outFolder: dir });
    await runEvaluation({ model: path.join(runDir('full-chat'), 'model'), data: { kind: 'synth', n: 5, seed: 2 }, task: 'chat', limit: 3, batchSize: 4, maxNewTokens: 6, backend: 'wasm' }, evalHost(path.join(runDir('full-chat'), 'eval')));
    const gsm = readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8').trim().split('\n').slice(0, 4).map((l) => JSON.parse(l));
    const hubDir = path.join(tmp, 'hub', 'main');
    mkdirSync(hubDir, { recursive: true });
    writeFileSync(path.join(hubDir, 'test-00000-of-00001.parquet'), new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'question', data: gsm.map((r) => r.question) }, { name: 'answer', data: gsm.map((r) => r.answer) }] })));
    hub = await startHubServer({ 'datasets/openai/gsm8k': path.join(tmp, 'hub') });
    await runEvaluation({ model: modelDir, data: { kind: 'hub', split: 'test' }, task: 'gsm8k_cot', endpoint: hub.url, batchSize: 2, maxNewTokens: 4, backend: 'wasm' }, evalHost(path.join(tmp, 'base-eval')));
    // gsm8k_cot on other items than GSM8K's test split: a task YAML with the harness's own exemplars.
    await runEvaluation({ model: modelDir, data: { kind: 'synth', n: 2, seed: 3 }, task: 'gsm8k_cot', batchSize: 2, maxNewTokens: 4, backend: 'wasm' }, evalHost(path.join(tmp, 'base-eval-cot')));
    const r = await cli('export-recipe', ...RUNS.map((x) => runDir(x.id)), '--base-eval', path.join(tmp, 'base-eval'), '--base-eval', path.join(tmp, 'base-eval-cot'), '--base-model', 'org/tiny-llama', '--out', out, '--zip', path.join(tmp, 'recipe.zip'));
    if (r.code !== 0) throw new Error(r.stderr);
  }
  afterAll(async () => {
    await hub?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const read = (p: string) => readFileSync(path.join(out, p), 'utf8');
  const yaml = (p: string) => {
    const js = YAML.parse(read(p));
    // PyYAML (YAML 1.1), as axolotl and LLaMA-Factory read their configs, must see the same values.
    const py = JSON.parse(execFileSync(PYTHON, ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(out, p)], { encoding: 'utf8' }));
    expect(py).toEqual(js);
    return js;
  };
  /** The literal keyword arguments of each call in a Python file, read with Python's ast. */
  const pythonCalls = (p: string): Record<string, Record<string, unknown>> =>
    JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import ast,json,sys\ncalls={}\nfor n in ast.walk(ast.parse(open(sys.argv[1]).read())):\n  if isinstance(n,ast.Call) and isinstance(n.func,ast.Name) and n.func.id in ("SFTConfig","LoraConfig","SFTTrainer"):\n    calls[n.func.id]={k.arg:(ast.literal_eval(k.value) if isinstance(k.value,ast.Constant) or isinstance(k.value,(ast.List,ast.Dict)) else ast.unparse(k.value)) for k in n.keywords}\nprint(json.dumps(calls))',
          path.join(out, p),
        ],
        { encoding: 'utf8' },
      ),
    );

  it('writes every engine\'s files, and the zip holds the same bytes (read by Python\'s zipfile)', () => {
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(out, path.join(d.parentPath, d.name))).sort();
    const names = ['answer', 'think-summary', 'original', 'full'];
    expect(files).toEqual(
      [
        'README.md',
        'trl/accelerate_multi_gpu.yaml',
        'llamafactory/dataset_info.json',
        'lm_eval/commands.sh',
        'lm_eval/data/answer_chat.jsonl',
        'lm_eval/tasks/distill_answer_chat.yaml',
        'lm_eval/data/base_gsm8k_cot_2.jsonl',
        'lm_eval/tasks/distill_base_gsm8k_cot_2.yaml',
        ...names.flatMap((n) => [`data/${n}.jsonl`, `axolotl/${n}.yaml`, `trl/train_${n.replace('-', '_')}.py`, `llamafactory/${n}.yaml`]),
        'data/answer.eval.jsonl',
        'data/full.eval.jsonl',
        // The plain-prompt runs' rows for LLaMA-Factory, whose `empty` template adds no EOS.
        'data/original.llamafactory.jsonl',
        'data/full.llamafactory.jsonl',
        'data/full.eval.llamafactory.jsonl',
      ].sort(),
    );
    const zipped = JSON.parse(
      execFileSync(PYTHON, ['-c', 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({n: z.read(n).decode() for n in z.namelist()}))', path.join(tmp, 'recipe.zip')], { encoding: 'utf8' }),
    );
    expect(Object.keys(zipped).sort()).toEqual(files);
    for (const f of files) expect(zipped[f]).toBe(read(f));
  });

  it('writes each run\'s SFT data as it trained: the same examples, held-out ones apart, loss on the completion', () => {
    for (const [i, r] of RUNS.entries()) {
      const name = ['answer', 'think-summary', 'original', 'full'][i];
      const rows = read(`data/${name}.jsonl`).trim().split('\n').map((l) => JSON.parse(l));
      expect(rows).toHaveLength(kept.get(r.id)! - r.evalSize);
      if (r.evalSize) expect(read(`data/${name}.eval.jsonl`).trim().split('\n')).toHaveLength(r.evalSize);
      if (r.promptStyle === 'plain') {
        expect(Object.keys(rows[0]).sort()).toEqual(['completion', 'prompt']);
        expect(rows[0].prompt).toMatch(/^Question: [\s\S]+\nAnswer:$/);
        expect(rows[0].completion.startsWith(' ')).toBe(true);
      } else {
        expect(rows[0].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
      }
    }
    // The answer strategy keeps the answer only; think-summary starts with a summary before it.
    const answer = JSON.parse(read('data/answer.jsonl').split('\n')[0]).messages[1].content;
    expect(answer).not.toContain('<think>');
  });

  it('maps every setting into axolotl, TRL and LLaMA-Factory, for full fine-tuning and LoRA', () => {
    for (const [i, r] of RUNS.entries()) {
      const c = runFiles.get(r.id)!.config;
      const name = ['answer', 'think-summary', 'original', 'full'][i];
      const lora = c.mode === 'lora';
      const scheduler = c.schedule === 'cosine' ? (c.minLrRatio > 0 ? 'cosine_with_min_lr' : 'cosine') : c.schedule === 'linear' ? 'linear' : 'constant_with_warmup';
      const steps = c.maxSteps > 0 ? { max_steps: c.maxSteps } : { epochs: c.epochs };

      const ax = yaml(`axolotl/${name}.yaml`);
      expect(ax).toMatchObject({
        base_model: 'org/tiny-llama',
        sequence_len: c.maxLength,
        sample_packing: c.packing,
        micro_batch_size: c.batchSize,
        gradient_accumulation_steps: c.gradAccumSteps,
        learning_rate: c.learningRate,
        lr_scheduler: c.schedule === 'cosine' ? 'cosine' : scheduler,
        weight_decay: c.weightDecay,
        max_grad_norm: c.maxGradNorm,
        adam_beta1: c.beta1,
        adam_beta2: c.beta2,
        adam_epsilon: c.epsilon,
        train_on_inputs: false,
        gradient_checkpointing: c.gradientCheckpointing,
        seed: c.seed,
        output_dir: `outputs/axolotl/${name}`,
      });
      expect('max_steps' in steps ? ax.max_steps : ax.num_epochs).toBe('max_steps' in steps ? steps.max_steps : steps.epochs);
      expect(c.warmupSteps > 0 ? ax.warmup_steps : ax.warmup_ratio).toBe(c.warmupSteps > 0 ? c.warmupSteps : c.warmupRatio);
      if (c.minLrRatio > 0) expect(ax.cosine_min_lr_ratio).toBe(c.minLrRatio);
      expect(ax.group_by_length).toBe(c.groupByLength);
      expect(ax.datasets[0]).toMatchObject({ path: `data/${name}.jsonl`, ds_type: 'json' });
      expect(ax.datasets[0].type).toEqual(r.promptStyle === 'plain' ? { field_instruction: 'prompt', field_output: 'completion', format: '{instruction}', no_input_format: '{instruction}' } : 'chat_template');
      expect(ax.test_datasets?.[0]?.path).toBe(r.evalSize ? `data/${name}.eval.jsonl` : undefined);
      expect(lora ? { adapter: ax.adapter, r: ax.lora_r, alpha: ax.lora_alpha, dropout: ax.lora_dropout, targets: ax.lora_target_modules } : ax.adapter).toEqual(
        lora ? { adapter: 'lora', r: c.lora.rank, alpha: c.lora.alpha, dropout: c.lora.dropout, targets: c.lora.targets } : undefined,
      );
      expect(read(`axolotl/${name}.yaml`)).toMatch(/# Not mapped \(no axolotl setting does the same\):\n# - data order: ours shuffles with our own RNG/);

      const trl = pythonCalls(`trl/train_${name.replace('-', '_')}.py`);
      expect(trl.SFTConfig).toMatchObject({
        output_dir: `outputs/trl/${name}`,
        max_length: c.maxLength,
        packing: c.packing,
        completion_only_loss: true,
        per_device_train_batch_size: c.batchSize,
        gradient_accumulation_steps: c.gradAccumSteps,
        learning_rate: c.learningRate,
        lr_scheduler_type: scheduler,
        warmup_steps: c.warmupSteps > 0 ? c.warmupSteps : c.warmupRatio,
        adam_beta1: c.beta1,
        adam_beta2: c.beta2,
        adam_epsilon: c.epsilon,
        weight_decay: c.weightDecay,
        max_grad_norm: c.maxGradNorm,
        gradient_checkpointing: c.gradientCheckpointing,
        seed: c.seed,
        data_seed: c.seed,
        ...('max_steps' in steps ? { max_steps: steps.max_steps } : { num_train_epochs: steps.epochs }),
      });
      expect(trl.SFTConfig.group_by_length).toBe(c.groupByLength || undefined);
      if (c.minLrRatio > 0) expect(trl.SFTConfig.lr_scheduler_kwargs).toEqual({ min_lr_rate: c.minLrRatio });
      expect(trl.SFTTrainer).toMatchObject({ model: 'org/tiny-llama', args: 'config', train_dataset: 'train_dataset', ...(lora && { peft_config: 'peft_config' }), ...(r.evalSize && { eval_dataset: 'eval_dataset' }) });
      expect(trl.LoraConfig).toEqual(lora ? { r: c.lora.rank, lora_alpha: c.lora.alpha, lora_dropout: c.lora.dropout, target_modules: c.lora.targets, bias: 'none', task_type: 'CAUSAL_LM' } : undefined);

      const lf = yaml(`llamafactory/${name}.yaml`);
      expect(lf).toMatchObject({
        model_name_or_path: 'org/tiny-llama',
        stage: 'sft',
        finetuning_type: c.mode,
        cutoff_len: c.maxLength,
        train_on_prompt: false,
        per_device_train_batch_size: c.batchSize,
        gradient_accumulation_steps: c.gradAccumSteps,
        learning_rate: c.learningRate,
        lr_scheduler_type: scheduler,
        weight_decay: c.weightDecay,
        max_grad_norm: c.maxGradNorm,
        disable_gradient_checkpointing: !c.gradientCheckpointing,
        seed: c.seed,
        dataset_dir: 'llamafactory',
      });
      // Chat runs leave the template to the tokenizer's own, as the run did.
      expect(lf.template).toBe(r.promptStyle === 'plain' ? 'empty' : undefined);
      if (lora) expect([lf.lora_rank, lf.lora_alpha, lf.lora_dropout, lf.lora_target]).toEqual([c.lora.rank, c.lora.alpha, c.lora.dropout, c.lora.targets.join(',')]);
      if (c.packing) expect(lf.neat_packing).toBe(true);
      expect(lf.group_by_length).toBe(c.groupByLength || undefined);
      const info = JSON.parse(read('llamafactory/dataset_info.json'));
      const entry = info[lf.dataset];
      expect(entry.file_name).toBe(r.promptStyle === 'plain' ? `../data/${name}.llamafactory.jsonl` : `../data/${name}.jsonl`);
      expect(existsSync(path.join(out, 'llamafactory', entry.file_name))).toBe(true);
      if (r.promptStyle === 'plain') {
        // The same rows as data/NAME.jsonl, each completion ending in the tokenizer's EOS ("</s>").
        const lfRows = read(`data/${name}.llamafactory.jsonl`).trim().split('\n').map((l) => JSON.parse(l));
        const rows = read(`data/${name}.jsonl`).trim().split('\n').map((l) => JSON.parse(l));
        expect(lfRows).toEqual(rows.map((row) => ({ ...row, completion: `${row.completion}</s>` })));
      }
      expect(entry).toMatchObject(r.promptStyle === 'plain' ? { columns: { prompt: 'prompt', response: 'completion' } } : { formatting: 'sharegpt', columns: { messages: 'messages' }, tags: { role_tag: 'role', content_tag: 'content' } });
    }
    expect(yaml('trl/accelerate_multi_gpu.yaml')).toMatchObject({ distributed_type: 'MULTI_GPU', num_machines: 1 });
  });

  it('gives the lm_eval command of each evaluation, with a task YAML for data the harness does not have', () => {
    const commands = read('lm_eval/commands.sh').split('\n').filter((l) => l.startsWith('lm_eval '));
    expect(commands).toHaveLength(3);
    const flags = (line: string) => Object.fromEntries([...line.matchAll(/--(\w+)(?: ([^-\s][^\s]*))?/g)].map((m) => [m[1], m[2] ?? true]));
    // The base model on openai/gsm8k's test split: the harness's own task.
    expect(flags(commands[0])).toMatchObject({ model: 'hf', model_args: 'pretrained=org/tiny-llama', tasks: 'gsm8k_cot', num_fewshot: '8', batch_size: '2', gen_kwargs: 'max_gen_toks=4' });
    expect(flags(commands[0]).apply_chat_template).toBeUndefined();
    // gsm8k_cot on synthetic items: the harness's prompt, target and 8 exemplars, in a task YAML.
    expect(flags(commands[1])).toMatchObject({ tasks: 'distill_base_gsm8k_cot_2', num_fewshot: '8' });
    const cot = yaml('lm_eval/tasks/distill_base_gsm8k_cot_2.yaml');
    const harnessCot = YAML.parse(readFileSync(sharedPath('data', 'lm-eval', 'gsm8k-cot.yaml'), 'utf8'));
    expect(cot.doc_to_target).toBe(harnessCot.doc_to_target);
    expect(cot.doc_to_text).toBe(harnessCot.doc_to_text);
    expect(cot.fewshot_config.samples).toEqual(harnessCot.fewshot_config.samples);
    expect(cot.generation_kwargs.until).toEqual(harnessCot.generation_kwargs.until);
    // The fine-tuned run on synthetic items with our chat task: a task YAML and the items.
    commands.splice(1, 1);
    expect(flags(commands[1])).toMatchObject({ model_args: 'pretrained=outputs/trl/answer', tasks: 'distill_answer_chat', include_path: 'lm_eval/tasks', num_fewshot: '0', batch_size: '4', apply_chat_template: true, gen_kwargs: 'max_gen_toks=6' });
    // The task's file holds exactly the items scored, so no --limit.
    expect(flags(commands[1]).limit).toBeUndefined();
    const task = yaml('lm_eval/tasks/distill_answer_chat.yaml');
    expect(task).toMatchObject({
      task: 'distill_answer_chat',
      dataset_path: 'json',
      dataset_kwargs: { data_files: { test: 'lm_eval/data/answer_chat.jsonl' } },
      output_type: 'generate_until',
      doc_to_text: '{{question}}',
      generation_kwargs: { until: ['</s>', '<|im_end|>'], do_sample: false, max_gen_toks: 6 },
      filter_list: [{ name: 'strict-match', filter: [{ function: 'regex', regex_pattern: '#### (\\-?[0-9\\.\\,]+)' }, { function: 'take_first' }] }, { name: 'flexible-extract' }],
      metric_list: [{ metric: 'exact_match', ignore_case: true, regexes_to_ignore: [',', '\\$', '(?s).*#### ', '\\.$'] }],
    });
    // The very items the evaluation scored, from its samples.jsonl.
    const items = read('lm_eval/data/answer_chat.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    const scored = readFileSync(path.join(runDir('full-chat'), 'eval', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).doc);
    expect(items).toEqual(scored.map((d: { question: string; answer: string }) => ({ question: d.question, answer: d.answer })));
    expect(items).toHaveLength(3);
    // The harness's own GSM8K task files use the same stops, filters and metric options.
    const harness = YAML.parse(readFileSync(sharedPath('data', 'lm-eval', 'gsm8k.yaml'), 'utf8'));
    expect(task.metric_list[0].regexes_to_ignore).toEqual(harness.metric_list[0].regexes_to_ignore);
    expect(task.filter_list[0].filter[0].regex_pattern).toBe(harness.filter_list[0].filter[0].regex_pattern);
  });

  it('the README carries the mapping table, here and in the project', () => {
    expect(read('README.md')).toContain(mappingTables());
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(mappingTables());
  });

  it('refuses data that no longer gives the run\'s examples', { timeout: 60_000 }, async () => {
    const moved = path.join(tmp, 'runs', 'changed');
    mkdirSync(path.join(moved, 'data'), { recursive: true });
    writeFileSync(path.join(moved, 'run.json'), readFileSync(path.join(runDir('full-chat'), 'run.json')));
    writeFileSync(path.join(moved, 'data', 'train.jsonl'), toJsonl(synthDataset({ n: 16, seed: 99, difficulty: [1, 2] })));
    const r = await cli('export-recipe', moved, '--out', path.join(tmp, 'recipe-changed'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/now gives other training examples than run .* trained on \(fingerprint .*, the run's .*\): export from the data and model the run used/);
  });

  it('refuses a folder without run.json and a non-empty --out', async () => {
    const noRun = await cli('export-recipe', tmp, '--out', path.join(tmp, 'x'));
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/no run\.json there; give the folder a "train --out" run wrote/);
    const full = await cli('export-recipe', runDir('full-chat'), '--out', out);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/is not empty; give a new folder/);
  });
});
