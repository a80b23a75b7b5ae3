// The teacher and the model summarizer in Node, with the shared tiny model and tokenizer: questions
// in, distilled JSONL out that the Data step reads as it is; a run stopped halfway resumes without
// losing or repeating a question and writes what an uninterrupted run writes; rejection sampling
// on responses whose answers are known; summaries cached by content and shown beside the
// extractive ones.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectData } from '../src/lib/data/inspect';
import { DEFAULT_MODEL_DIR } from '../src/lib/default-model';
import { chatAnswer } from '../src/lib/eval/scoring';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import type { EvalDoc } from '../src/lib/eval/tasks';
import { runSummarize, type SummarizeEvent, type SummarizeHost } from '../src/lib/pipeline/summarize';
import { runTeach, type TeachEvent, type TeachHost, type TeachSpec } from '../src/lib/pipeline/teach';
import { nodeFolderStore } from '../src/lib/storage/node-store';
import { SUMMARIZED_FILE, SUMMARY_CACHE_FILE } from '../src/lib/teach/summarizer';
import { itemKey, sortResponses, TEACH_FILES, teacherRecord, type TeacherRecord } from '../src/lib/teach/teacher';
import { cli, lastJson } from './helpers/cli';
import { sharedRequirement, skipSuiteUnless } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { writeTinyModelFolder } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-teach-'));
const modelDir = path.join(tmp, 'model');
const QUESTIONS = 6;
const SAMPLES = 2;
const spec: TeachSpec = {
  model: modelDir,
  questions: { kind: 'synth', n: QUESTIONS, seed: 4, difficulty: [1, 2] },
  settings: { samples: SAMPLES, batchSize: 4, maxNewTokens: 12, temperature: 1, topP: 0.9, seed: 7 },
  backend: 'wasm',
};

/**
 * A host that writes to `dir` and, once `stopAfter` responses are saved, stops inside the next
 * batch: cancelled() is read before each batch and at every decode step, so its second call
 * after the save comes from the first decode step of the batch in flight.
 */
function teachHost(dir: string, events: TeachEvent[], stopAfter = Infinity): TeachHost {
  let saved = 0;
  let callsSinceSaved = 0;
  return {
    post: (e) => {
      events.push(e);
      if (e.type === 'teach-progress') saved = e.done;
    },
    cancelled: () => saved >= stopAfter && ++callsSinceSaved >= 2,
    store: () => Promise.resolve(nodeFolderStore(dir)),
    outFolder: dir,
  };
}

const lines = (file: string): TeacherRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('the teacher', () => {
  const ready = skipSuiteUnless(sharedRequirement('fixtures', 'tiny-llama-ref'));
  beforeAll(async () => {
    await useBackend('wasm');
    if (ready) writeTinyModelFolder(modelDir, { withTokenizer: true });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers every question n times, and a run stopped halfway resumes to the same output', { timeout: 60_000 }, async () => {
    const whole = path.join(tmp, 'whole');
    const events: TeachEvent[] = [];
    const done = await runTeach(spec, teachHost(whole, events));
    expect(done).toMatchObject({ status: 'complete', done: 12, total: 12, kept: 12, dropped: 0, resumedFrom: 0 });
    const all = lines(path.join(whole, TEACH_FILES.kept));
    const questions = synthDataset({ n: QUESTIONS, seed: 4, difficulty: [1, 2] }).map((r) => r.question);
    expect(all.map((r) => itemKey(r.id, r.sample))).toEqual(questions.flatMap((_, id) => [0, 1].map((s) => itemKey(id, s))));
    expect(all.map((r) => r.question)).toEqual(questions.flatMap((q) => [q, q]));
    // Sampling at temperature 1: the two samples of a question differ (each has its own seed).
    expect(all.filter((r, i) => i % 2 === 1 && r.generation !== all[i - 1].generation).length).toBeGreaterThan(0);
    const progress = events.filter((e) => e.type === 'teach-progress');
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12, fraction: 1 });
    expect(progress.every((p) => p.questionsPerSecond >= 0)).toBe(true);

    // Stopped while the second batch is being generated: only the first batch is saved.
    const cut = path.join(tmp, 'cut');
    const first = await runTeach(spec, teachHost(cut, [], 4));
    expect(first).toMatchObject({ status: 'stopped', done: 4, total: 12 });
    expect(lines(path.join(cut, TEACH_FILES.kept))).toEqual(all.slice(0, 4));
    const resumed = await runTeach(spec, teachHost(cut, []));
    expect(resumed).toMatchObject({ status: 'complete', done: 12, resumedFrom: 4 });
    const after = lines(path.join(cut, TEACH_FILES.kept));
    expect(new Set(after.map((r) => itemKey(r.id, r.sample))).size).toBe(12);
    expect(after).toEqual(all);

    // The Data step reads the output as it is: the question is the prompt, the generation the response.
    const inspection = await inspectData(path.join(whole, TEACH_FILES.kept), { tokenizer: null, style: 'plain', maxLength: 512 });
    expect(inspection.read).toBe(12);
    expect(inspection.unreadable).toEqual([]);
    expect(inspection.formats).toEqual({ fields: 12 });
    expect(inspection.preview[0].prompt).toBe(all[0].question);
    expect(inspection.preview[0].views.original).toEqual({ completion: all[0].generation });
  });

  it('drops a line cut short by a crash and generates that response again', { timeout: 60_000 }, async () => {
    const dir = path.join(tmp, 'crash');
    await runTeach(spec, teachHost(dir, [], 4));
    const file = path.join(dir, TEACH_FILES.kept);
    const saved = readFileSync(file, 'utf8');
    appendFileSync(file, '{"question":"half a li');
    const done = await runTeach(spec, teachHost(dir, []));
    expect(done).toMatchObject({ status: 'complete', resumedFrom: 4 });
    expect(readFileSync(file, 'utf8').startsWith(saved)).toBe(true);
    expect(lines(file).map((r) => itemKey(r.id, r.sample))).toHaveLength(12);
  });

  it('refuses to resume with other settings or other questions, and never appends to data it did not write', { timeout: 60_000 }, async () => {
    const dir = path.join(tmp, 'other');
    await runTeach(spec, teachHost(dir, [], 4));
    const other = { ...spec, settings: { ...spec.settings, temperature: 0.5 } };
    await expect(runTeach(other, teachHost(dir, []))).rejects.toThrow(/holds a teacher run with other settings: settings was \{.*"temperature":1,.*now \{.*"temperature":0\.5/);
    // A smaller batch is fine (each response has its own seed): a resume after running out of memory.
    await expect(runTeach({ ...spec, settings: { ...spec.settings, batchSize: 2 } }, teachHost(dir, []))).resolves.toMatchObject({ status: 'complete', done: 12, resumedFrom: 4 });

    // The same questions file, edited since: a saved response's question no longer matches its id.
    const file = path.join(tmp, 'edited.jsonl');
    const docs = synthDataset({ n: 3, seed: 6 }).map((r) => ({ question: r.question, answer: r.answer }));
    writeFileSync(file, toJsonl(docs));
    const edited = path.join(tmp, 'edited');
    const fromFile = { ...spec, questions: { kind: 'url' as const, url: file } };
    await runTeach(fromFile, teachHost(edited, [], 4));
    writeFileSync(file, toJsonl([docs[1], docs[0], docs[2]]));
    await expect(runTeach(fromFile, teachHost(edited, []))).rejects.toThrow(/has responses to other questions: question 0 there is/);

    // A folder with someone's distilled.jsonl but no teach.json is not the teacher's to append to.
    const foreign = path.join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, TEACH_FILES.kept), '{"question": "q", "generation": "mine"}\n');
    await expect(runTeach(spec, teachHost(foreign, []))).rejects.toThrow(/already has distilled\.jsonl but no teach\.json: it is not a teacher's folder/);
    expect(readFileSync(path.join(foreign, TEACH_FILES.kept), 'utf8')).toBe('{"question": "q", "generation": "mine"}\n');
  });

  it('with rejection sampling, keeps exactly the responses whose final answer is the gold one', { timeout: 60_000 }, async () => {
    // The bundled model, never fine-tuned to answer, ends most responses with a number. A greedy
    // run says what it answers; the gold answers are then made to match that for even ids and to
    // miss it for odd ones. A response with no number misses any gold answer.
    const greedy = { ...spec, model: DEFAULT_MODEL_DIR, settings: { samples: 1, batchSize: 6, maxNewTokens: 96, temperature: 0 } };
    const first = path.join(tmp, 'reject-greedy');
    await runTeach(greedy, teachHost(first, []));
    const answers = lines(path.join(first, TEACH_FILES.kept)).map((r) => Number(chatAnswer(r.generation).value));
    expect(answers.filter(Number.isFinite).length).toBeGreaterThanOrEqual(QUESTIONS / 2);
    const ids = answers.map((_, id) => id);
    const matching = ids.filter((id) => id % 2 === 0 && Number.isFinite(answers[id]));
    const missing = ids.filter((id) => !matching.includes(id));
    expect(matching.length).toBeGreaterThan(0);
    const questionsFile = path.join(tmp, 'questions.jsonl');
    const questions = synthDataset({ n: QUESTIONS, seed: 4, difficulty: [1, 2] }).map((r) => r.question);
    const gold = (id: number) => (!Number.isFinite(answers[id]) ? 0 : id % 2 === 0 ? answers[id] : answers[id] + 1);
    writeFileSync(questionsFile, toJsonl(questions.map((input, id) => ({ input, target: gold(id) }))));

    const dir = path.join(tmp, 'reject');
    const done = await runTeach({ ...greedy, questions: { kind: 'url', url: questionsFile }, settings: { ...greedy.settings, reject: true } }, teachHost(dir, []));
    expect(done).toMatchObject({ status: 'complete', total: QUESTIONS, kept: matching.length, dropped: missing.length });
    const kept = lines(path.join(dir, TEACH_FILES.kept));
    const dropped = lines(path.join(dir, TEACH_FILES.dropped));
    expect(kept.map((r) => r.id)).toEqual(matching);
    expect(dropped.map((r) => r.id)).toEqual(missing);
    expect(kept.every((r) => r.correct) && dropped.every((r) => !r.correct)).toBe(true);
    expect(kept.map((r) => r.gold)).toEqual(matching.map((id) => answers[id]));
  });
});

describe('rejection sampling on known answers', () => {
  const gsm8k: EvalDoc = { id: 0, question: 'Tom has 3 apples and buys 4 more. How many?', answer: 'Tom has 3 + 4 = <<3+4=7>>7 apples.\n#### 7' };
  const numeric: EvalDoc = { id: 1, question: 'Share 10 litres among 3 jugs.', answer: '3.3333333', gold: 10 / 3 };
  const judged = (doc: EvalDoc, generation: string) => teacherRecord({ doc, sample: 0 }, generation, 'stop_token');

  it('judges R1-style responses against GSM8K and numeric gold answers', () => {
    const responses = [
      judged(gsm8k, '<think>3 plus 4 is 7.</think>\n\nTom has \\boxed{7} apples.'),
      judged(gsm8k, '<think>3 plus 4 is 8?</think>\n\nThe answer is 8.'),
      judged(gsm8k, 'Tom has 3 + 4 = 7 apples.\n#### 7'),
      judged(gsm8k, '<think>Let me think.</think>\n\nI am not sure.'),
      judged(numeric, '<think>10 / 3 = 3.333</think>\n\nEach jug holds \\boxed{3.3333} litres.'),
      judged(numeric, 'Each jug holds about 3.3 litres. The answer is 3.3.'),
    ];
    expect(responses.map((r) => r.correct)).toEqual([true, false, true, false, true, false]);
    expect(responses.map((r) => r.gold)).toEqual([gsm8k.answer, gsm8k.answer, gsm8k.answer, gsm8k.answer, 10 / 3, 10 / 3]);
    const { kept, dropped } = sortResponses(responses, true);
    expect(kept).toEqual([responses[0], responses[2], responses[4]]);
    expect(dropped).toEqual([responses[1], responses[3], responses[5]]);
    expect(sortResponses(responses, false)).toEqual({ kept: responses, dropped: [] });
  });
});

describe('the model summarizer', () => {
  const ready = skipSuiteUnless(sharedRequirement('fixtures', 'tiny-llama-ref'));
  const data = path.join(tmp, 'distilled.jsonl');
  const cacheDir = path.join(tmp, 'summary-cache');
  beforeAll(async () => {
    await useBackend('wasm');
    if (ready) writeTinyModelFolder(modelDir, { withTokenizer: true });
    // Five synthetic records with <think> reasoning, one repeated, and one without reasoning.
    const records: object[] = synthDataset({ n: 5, seed: 2, difficulty: [1, 2] }).map(({ question, generation }) => ({ question, generation }));
    records.push(records[0], { question: 'What is 2 + 2?', generation: '#### 4' });
    writeFileSync(data, toJsonl(records));
  });

  const host = (out: string, events: SummarizeEvent[], stopAfter = Infinity): SummarizeHost => ({
    post: (e) => events.push(e),
    cancelled: () => events.some((e) => e.type === 'summarize-progress' && e.done - e.cached >= stopAfter),
    store: () => Promise.resolve(nodeFolderStore(out)),
    cache: () => Promise.resolve(nodeFolderStore(cacheDir)),
    outFolder: out,
  });
  const summarize = (out: string, events: SummarizeEvent[] = [], stopAfter?: number) =>
    runSummarize({ model: modelDir, data, settings: { maxNewTokens: 10, batchSize: 2 }, backend: 'wasm' }, host(out, events, stopAfter));

  it('summarizes each distinct reasoning once, caches it, resumes from the cache, and the Data step shows both summaries', { timeout: 60_000 }, async () => {
    const stopped = await summarize(path.join(tmp, 'sum-1'), [], 2);
    expect(stopped).toMatchObject({ status: 'stopped', total: 5, done: 2, cached: 0, stored: [] });

    const done = await summarize(path.join(tmp, 'sum-2'));
    expect(done).toMatchObject({ status: 'complete', total: 5, done: 5, cached: 2, records: 7, withoutReasoning: 1 });
    const out = readFileSync(path.join(tmp, 'sum-2', SUMMARIZED_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const input = readFileSync(data, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(7);
    // Every record comes back with its fields; those with reasoning gain a summary, the repeat the same one.
    out.forEach((r, i) => expect(r).toMatchObject(input[i]));
    expect(out.slice(0, 6).every((r) => typeof r.summary === 'string')).toBe(true);
    expect(out[5].summary).toBe(out[0].summary);
    expect(out[6]).toEqual(input[6]);
    // The cache holds one line per distinct reasoning.
    expect(readFileSync(path.join(cacheDir, SUMMARY_CACHE_FILE), 'utf8').split('\n').filter(Boolean)).toHaveLength(5);

    const again = await summarize(path.join(tmp, 'sum-3'));
    expect(again).toMatchObject({ status: 'complete', done: 5, cached: 5 });
    expect(readFileSync(path.join(tmp, 'sum-3', SUMMARIZED_FILE), 'utf8')).toBe(readFileSync(path.join(tmp, 'sum-2', SUMMARIZED_FILE), 'utf8'));

    const inspection = await inspectData(path.join(tmp, 'sum-2', SUMMARIZED_FILE), { tokenizer: null, style: 'plain', maxLength: 512 });
    const first = inspection.preview[0];
    expect(first.summaries.given).toBe(out[0].summary);
    expect(first.summaries.extractive).toBeTruthy();
    expect(first.summaries.extractive).not.toBe(first.summaries.given);
    // think-summary trains on the model's summary (greedy, so the tiny model always writes the same).
    expect(out[0].summary.trim()).not.toBe('');
    const view = first.views['think-summary'] as { completion: string };
    expect(view.completion.startsWith(out[0].summary.trim())).toBe(true);
  });

  it('refuses a prompt without {reasoning}', async () => {
    await expect(runSummarize({ model: modelDir, data, settings: { prompt: 'Summarize.' } }, host(path.join(tmp, 'sum-bad'), []))).rejects.toThrow(/must contain \{reasoning\}/);
  });
});

describe('teach and summarize on the command line', () => {
  const ready = skipSuiteUnless(sharedRequirement('fixtures', 'tiny-llama-ref'));
  beforeAll(() => {
    if (ready) writeTinyModelFolder(modelDir, { withTokenizer: true });
  });

  it('teach writes distilled JSONL that `data` reads, and running it again resumes with nothing left', { timeout: 60_000 }, async () => {
    const out = path.join(tmp, 'cli-teach');
    const args = ['teach', '--model', modelDir, '--questions', 'synth', '--synth-n', '3', '--max-new-tokens', '6', '--samples', '2', '--out', out, '--backend', 'wasm', '--json'];
    const first = await cli(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(lastJson(first.stdout)).toMatchObject({ status: 'complete', done: 6, total: 6, kept: 6, dropped: 0, resumed_from: 0 });
    expect(first.stderr).toMatch(/3 questions × 2 samples/);
    const second = await cli(...args);
    expect(lastJson(second.stdout)).toMatchObject({ status: 'complete', done: 6, resumed_from: 6 });
    const data = await cli('data', '--input', path.join(out, TEACH_FILES.kept), '--strategy', 'original', '--out', path.join(out, 'sft.jsonl'), '--json');
    expect(data.code, data.stderr).toBe(0);
    expect(lastJson(data.stdout)).toMatchObject({ kept: 6 });
  });

  it('summarize writes the data with summaries', { timeout: 60_000 }, async () => {
    const data = path.join(tmp, 'cli-data.jsonl');
    writeFileSync(data, toJsonl(synthDataset({ n: 2, seed: 3 }).map(({ question, generation }) => ({ question, generation }))));
    const out = path.join(tmp, 'cli-sum');
    const r = await cli('summarize', '--model', modelDir, '--data', data, '--out', out, '--max-new-tokens', '6', '--cache', path.join(tmp, 'cli-cache'), '--backend', 'wasm', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ status: 'complete', total: 2, done: 2, cached: 0, records: 2 });
    expect(readFileSync(path.join(out, SUMMARIZED_FILE), 'utf8').trim().split('\n').map((l) => typeof JSON.parse(l).summary)).toEqual(['string', 'string']);
  });
});
