// The DOM-free logic behind what the lab page says: advice after a failure, the demo's and the
// evaluation's status lines, number fields that were emptied, files the pickers do not take, and
// a stored run file that is damaged. Each test reads the text a user would see.
import { describe, expect, it } from 'vitest';
import { type TrainRun, hasExportedModel } from '../src/lib/runs/records';
import { RunStore } from '../src/lib/runs/store';
import { adviceFor, WASM_ADVICE } from '../src/lib/state/advice';
import { fieldMapFromText } from '../src/lib/state/field-map-text';
import { DATA_FILE_TYPES, EVAL_FILE_TYPES, rejectedFilesMessage } from '../src/lib/state/file-types';
import { DATA_FORM_DEFAULTS, DEMO_DEFAULTS, EVAL_FORM_DEFAULTS, SUMMARIZE_FORM_DEFAULTS, TEACH_FORM_DEFAULTS, TRAIN_FORM_DEFAULTS } from '../src/lib/lab-defaults';
import {
  DATA_RULES,
  DATA_SYNTH_RULES,
  DEMO_RULES,
  EVAL_RULES,
  EVAL_SYNTH_RULES,
  invalidFields,
  LORA_RULES,
  numberProblem,
  SUMMARIZE_RULES,
  TEACH_LIMIT_RULES,
  TEACH_RULES,
  TEACH_SYNTH_RULES,
  TRAIN_RULES,
} from '../src/lib/state/form-rules';
import { demoStatus, evalProgressText } from '../src/lib/state/status-text';
import { memoryStore } from '../src/lib/storage/memory-store';

describe('advice after a failure', () => {
  it('sends GPU backend failures to the wasm backend', () => {
    for (const message of [
      'Failed to compile fragment shader.',
      'WebGL context lost.',
      'High memory usage in GPU: 1180.00 MB, most likely due to a memory leak',
      'GPUDevice was lost: Device was lost',
    ]) {
      expect(adviceFor(message, 'train')).toBe(WASM_ADVICE);
      expect(adviceFor(message, 'eval')).toBe(WASM_ADVICE);
    }
    expect(WASM_ADVICE).toMatch(/\?backend=wasm/);
    expect(WASM_ADVICE).toMatch(/Backend in step 1/);
  });

  it('suggests less memory, in the controls of the step that failed', () => {
    const oom = 'RangeError: Invalid typed array length: 4294967296';
    expect(adviceFor(oom, 'train')).toMatch(/lower Batch size, lower Max length \(tokens\).*LoRA.*Gradient checkpointing/);
    expect(adviceFor(oom, 'eval')).toMatch(/lower Batch size or Max new tokens/);
    expect(adviceFor('Array buffer allocation failed', 'train')).toMatch(/ran out of memory/);
    expect(adviceFor('Aborted(OOM)', 'eval')).toMatch(/ran out of memory/);
    expect(adviceFor('training needs about 3.2 GB of memory but the wasm backend has 2 GB; it does not fit', 'train')).toMatch(/Gradient checkpointing/);
  });

  it('points network failures at the address, step by step', () => {
    expect(adviceFor('Could not reach http://127.0.0.1:1/x.jsonl: Failed to fetch. Check the address and your network connection.', 'eval')).toMatch(/eval data URL/);
    expect(adviceFor('https://huggingface.co/a/b/resolve/main/config.json: HTTP 404, no file at this address. Check the URL.', 'load')).toMatch(/model id or URL in step 1.*Hub options/);
    expect(adviceFor('NetworkError when attempting to fetch resource.', 'data')).toMatch(/data URL in step 2.*Real questions to 0 to work offline/);
    expect(adviceFor('neither model.safetensors nor model.safetensors.index.json was found in hub model a/b@main', 'load')).toMatch(/config\.json and model\.safetensors/);
  });

  it('says to lower the learning rate after non-finite steps, and nothing after a cancel', () => {
    expect(adviceFor('training stopped at step 3: the loss or gradient was not finite for 3 steps in a row.', 'train')).toMatch(/Lower the Learning rate/);
    expect(adviceFor('evaluation cancelled', 'eval')).toBeNull();
    expect(adviceFor('something nobody has seen before', 'train')).toBeNull();
  });

  it('names storage and data problems', () => {
    expect(adviceFor("QuotaExceededError: Failed to execute 'write'", 'train')).toMatch(/delete runs you no longer need under Saved runs/);
    expect(adviceFor('no training examples: every record was skipped or the data is empty', 'train')).toMatch(/skipped lines/);
  });
});

describe("the demo's status line", () => {
  const base = { running: false, stage: '', step: null, error: null, seconds: null };

  it('shows the stage while the demo runs', () => {
    expect(demoStatus({ ...base, running: true, step: 'Train', stage: 'Fine-tuning on answers only…' })).toBe('Fine-tuning on answers only…');
    expect(demoStatus(base)).toBeNull();
  });

  it('stops saying what it was doing once it has stopped, failed or finished', () => {
    const stopped = demoStatus({ ...base, step: 'Train', stage: 'Fine-tuning on answers only…', error: 'Training did not finish: it was paused or cancelled', seconds: 42 });
    expect(stopped).toBe('Stopped in the Train step after 42 s.');
    expect(stopped).not.toMatch(/Fine-tuning/);
    expect(demoStatus({ ...base, step: 'Compare', stage: 'Comparing…', seconds: 93.6 })).toBe('Done in 94 s');
  });
});

describe("the evaluation's progress line", () => {
  it('counts items, the share of the batch decoded, the time elapsed and the time left', () => {
    expect(evalProgressText({ done: 0, total: 8, fraction: 0.375, elapsedSeconds: 12.2, etaSeconds: 20.4 })).toBe(
      'Evaluating: 0 of 8 items done (37%) · 12 s elapsed · about 20 s left',
    );
    expect(evalProgressText({ done: 8, total: 8, fraction: 1, elapsedSeconds: 200, etaSeconds: 0 })).toBe('Evaluating: 8 of 8 items done (100%) · 3 min elapsed · about 0 s left');
    expect(evalProgressText({ done: 0, total: 8, fraction: 0, elapsedSeconds: 1, etaSeconds: null })).toMatch(/time left not known yet$/);
    expect(evalProgressText({ done: 0, total: 0, fraction: 0, elapsedSeconds: 0, etaSeconds: null })).toBe('Evaluating: loading the model and the eval items…');
  });
});

describe('number fields', () => {
  it('says what is wrong with an emptied or out-of-range value', () => {
    expect(numberProblem(null, TRAIN_RULES.batchSize)).toBe('Enter a number.');
    expect(numberProblem(Number.NaN, TRAIN_RULES.batchSize)).toBe('Enter a number.');
    expect(numberProblem(2.5, TRAIN_RULES.batchSize)).toBe('Enter a whole number.');
    expect(numberProblem(0, TRAIN_RULES.batchSize)).toBe('Enter 1 or more.');
    expect(numberProblem(0, TRAIN_RULES.learningRate)).toBe('Enter a number above 0.');
    expect(numberProblem(1e-3, TRAIN_RULES.learningRate)).toBeNull();
    expect(numberProblem(-3, TRAIN_RULES.seed)).toBeNull();
  });

  it('lists the fields that keep a form from starting', () => {
    expect(invalidFields({ trainRecords: 600, trainSteps: null, evalItems: 50, maxNewTokens: 0 }, DEMO_RULES)).toEqual(['trainSteps', 'maxNewTokens']);
    expect(invalidFields({ trainRecords: 600, trainSteps: 40, evalItems: 50, maxNewTokens: 160 }, DEMO_RULES)).toEqual([]);
  });

  it("every form starts with its defaults valid: no Start button is disabled on a fresh page", () => {
    const forms: [string, object, object][] = [
      ['data', DATA_FORM_DEFAULTS, { ...DATA_RULES, ...DATA_SYNTH_RULES }],
      ['train', TRAIN_FORM_DEFAULTS, { ...TRAIN_RULES, ...LORA_RULES }],
      ['eval', EVAL_FORM_DEFAULTS, { ...EVAL_RULES, ...EVAL_SYNTH_RULES }],
      ['teacher', TEACH_FORM_DEFAULTS, { ...TEACH_RULES, ...TEACH_SYNTH_RULES, ...TEACH_LIMIT_RULES }],
      ['summarizer', SUMMARIZE_FORM_DEFAULTS, SUMMARIZE_RULES],
      ['demo', DEMO_DEFAULTS, DEMO_RULES],
    ];
    for (const [name, defaults, rules] of forms) expect(invalidFields(defaults, rules), name).toEqual([]);
  });
});

describe('files the pickers do not take', () => {
  it('names the file and the accepted types', () => {
    expect(rejectedFilesMessage(['notes.txt'], DATA_FILE_TYPES)).toBe('notes.txt is not a file this step reads: choose a .jsonl, .ndjson, .json or .parquet file.');
    expect(rejectedFilesMessage(['a.csv', 'b.jsonl'], EVAL_FILE_TYPES)).toBe('a.csv is not a file this step reads: choose a .jsonl, .json or .parquet file.');
    expect(rejectedFilesMessage(['a.jsonl', 'b.jsonl'], DATA_FILE_TYPES)).toBe('Drop one file at a time (you gave 2: a.jsonl, b.jsonl).');
  });
});

const trainRun = (id: string, createdAt: string, extra: Partial<TrainRun> = {}): TrainRun => ({
  kind: 'train',
  id,
  createdAt,
  model: { source: '/models/distill-tiny/', description: 'x' },
  data: { description: 'synth', storedAs: `runs/${id}/data/d.jsonl` },
  strategy: 'answer',
  config: {},
  evalSize: 0,
  promptStyle: 'chat',
  status: 'done',
  totalSteps: 1,
  checkpointStep: 1,
  steps: [],
  exported: [`runs/${id}/model/config.json`, `runs/${id}/model/model.safetensors`],
  ...extra,
});

describe('saved runs with a damaged file', () => {
  it('lists the other runs and names the damaged files, which can then be deleted', async () => {
    const files = memoryStore('browser storage (OPFS) lab/runs');
    const store = new RunStore(files);
    await store.save(trainRun('train-a', '2026-11-27T10:00:00Z'));
    await store.save(trainRun('train-c', '2026-11-27T10:02:00Z'));
    await files.write('train-b.json', new TextEncoder().encode('{"kind": "train", "id": "tra'));
    await files.write('eval-d.json', new TextEncoder().encode(JSON.stringify({ kind: 'eval', id: 'eval-d', createdAt: 'x' })));

    const { runs, damaged } = await store.read();
    expect(runs.map((r) => r.id)).toEqual(['train-a', 'train-c']);
    expect(damaged.map((d) => [d.name, d.runId])).toEqual([
      ['eval-d.json', 'eval-d'],
      ['train-b.json', 'train-b'],
    ]);
    expect(damaged[1].path).toBe('browser storage (OPFS) lab/runs/train-b.json');
    expect(damaged[1].message).toMatch(/train-b\.json: not valid JSON .*the file is damaged/);
    expect(damaged[0].message).toMatch(/field "task" is missing/);
    // Export carries the readable runs; an import never writes over a damaged file.
    expect(JSON.parse(await store.exportJson()).runs.map((r: TrainRun) => r.id)).toEqual(['train-a', 'train-c']);
    const again = JSON.stringify({ format: 'distill-lab-runs', version: 1, runs: [trainRun('train-b', '2026-11-27T10:01:00Z')] });
    expect(await store.importJson(again)).toEqual({ imported: [], kept: ['train-b'] });

    await store.removeFile('train-b.json');
    expect((await store.read()).damaged.map((d) => d.name)).toEqual(['eval-d.json']);
  });

  it('offers a run to the prompt box only when its model was exported', () => {
    expect(hasExportedModel(trainRun('t', 'x'))).toBe(true);
    expect(hasExportedModel(trainRun('t', 'x', { status: 'paused' }))).toBe(false);
    expect(hasExportedModel(trainRun('t', 'x', { exported: ['runs/t/adapter/adapter_model.safetensors'] }))).toBe(false);
  });
});

describe("the page's Field map box (evaluation and teacher)", () => {
  it('is empty for the usual names, reads the CLI syntax, and names the box in its errors', () => {
    expect(fieldMapFromText('  ')).toEqual({});
    expect(fieldMapFromText('question=Body+Question,answer=Answer')).toEqual({ fieldMap: { question: ['Body', 'Question'], answer: 'Answer' } });
    expect(() => fieldMapFromText('prompt=x')).toThrow(/^Field map: expected question=FIELD,answer=FIELD .*got "prompt=x"\.$/);
  });
});
