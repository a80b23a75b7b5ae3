// The teacher and the model summarizer in Debian chromium: the teacher worker answers synthetic
// questions with the shared tiny model (served by a stand-in hub) into browser storage (OPFS), is
// stopped while a batch is in flight, resumes without losing or repeating a question, and writes
// what the same job writes in Node; the summarizer writes summaries through its OPFS cache.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthDataset, toJsonl } from '../../src/lib/data/synth';
import { runTeach, type TeachSpec } from '../../src/lib/pipeline/teach';
import { nodeFolderStore } from '../../src/lib/storage/node-store';
import { TEACH_FILES, type TeacherRecord } from '../../src/lib/teach/teacher';
import type { TeacherJob, TeacherJobResult } from './teacher-page';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, withTimeout } from '../helpers/chromium';
import { sharedRequirement, skipSuiteUnless } from '../helpers/shared';
import { useBackend } from '../helpers/tf';

const REPO = 'test/tiny-teacher';
const QUESTIONS = 6;
const settings = { samples: 2, batchSize: 4, maxNewTokens: 10, temperature: 1, topP: 0.9, seed: 3 };
const questions: TeachSpec['questions'] = { kind: 'synth', n: QUESTIONS, seed: 8, difficulty: [1, 2] };
const parse = (text: string | null): TeacherRecord[] => (text ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('the teacher worker in chromium', () => {
  const ready = skipSuiteUnless(chromiumRequirement(), sharedRequirement('fixtures', 'tiny-llama-ref'));
  const suite = browserSuite(ready, { webgpu: false, tinyModel: { repo: REPO }, harness: { path: 'tests/browser/teacher.html', global: 'teacherTest' } });

  const run = (job: TeacherJob): Promise<TeacherJobResult> => withTimeout(suite.browser.page.evaluate((j) => window.teacherTest!.run(j), job), 90_000, 'teacher job');
  const readText = (folder: string, name: string) => suite.browser.page.evaluate(([a, b]) => window.teacherTest!.readText(a, b), [folder, name] as const);

  it('stops with a batch in flight, resumes without losing or repeating a question, and matches Node', { timeout: 180_000 }, async () => {
    const teach = { jobId: 'teach-browser', model: REPO, endpoint: suite.hub.url, questions, settings, backend: 'wasm' as const };
    const stopped = await run({ teach, stopAfterSaved: 4 });
    expect(stopped.error).toBeNull();
    expect(stopped.done).toMatchObject({ type: 'teach-done', status: 'stopped', done: 4, total: 12 });
    expect(parse(await readText('teach/teach-browser', TEACH_FILES.kept))).toHaveLength(4);

    const resumed = await run({ teach });
    expect(resumed.error).toBeNull();
    expect(resumed.done).toMatchObject({ status: 'complete', done: 12, total: 12, resumedFrom: 4 });
    const browserRecords = parse(await readText('teach/teach-browser', TEACH_FILES.kept));
    expect(browserRecords.map((r) => `${r.id}/${r.sample}`)).toEqual([0, 1, 2, 3, 4, 5].flatMap((id) => [`${id}/0`, `${id}/1`]));

    // The same job in Node, uninterrupted, on the same backend.
    await useBackend('wasm');
    const nodeDir = path.join(suite.dir, 'node');
    const spec: TeachSpec = { model: path.join(suite.dir, 'model'), questions, settings, backend: 'wasm' };
    await runTeach(spec, { post: () => {}, cancelled: () => false, store: () => Promise.resolve(nodeFolderStore(nodeDir)), outFolder: nodeDir });
    expect(browserRecords).toEqual(parse(readFileSync(path.join(nodeDir, TEACH_FILES.kept), 'utf8')));
  });

  it('summarizes through the shared OPFS cache: a second run makes no summary again', { timeout: 120_000 }, async () => {
    const dataText = toJsonl(synthDataset({ n: 3, seed: 5, difficulty: [1, 2] }).map(({ question, generation }) => ({ question, generation })));
    const summarize = { model: REPO, endpoint: suite.hub.url, settings: { maxNewTokens: 8, batchSize: 2 }, backend: 'wasm' as const, dataText };
    const first = await run({ summarize: { ...summarize, jobId: 'sum-1' } });
    expect(first.error).toBeNull();
    expect(first.done).toMatchObject({ type: 'summarize-done', status: 'complete', total: 3, done: 3, cached: 0, stored: ['teach/sum-1/summarized.jsonl'] });
    const second = await run({ summarize: { ...summarize, jobId: 'sum-2' } });
    expect(second.done).toMatchObject({ status: 'complete', total: 3, done: 3, cached: 3 });
    const out = (await readText('teach/sum-2', 'summarized.jsonl'))!.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((r) => typeof r.summary)).toEqual(['string', 'string', 'string']);
    expect(await readText('teach/sum-1', 'summarized.jsonl')).toBe(await readText('teach/sum-2', 'summarized.jsonl'));
  });
});
