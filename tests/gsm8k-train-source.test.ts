// Real questions beside the synthetic teacher's, as the page's Data step, the CLI's synth and the
// experiment all get them (pipeline/sources.ts): GSM8K training items from the hub's Parquet
// layout or a JSONL file, written as the teacher writes, after the synthetic records; and clear
// errors offline and on a bad line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GSM8K_TEACHER_DEFAULTS, gsm8kTeacher } from '../src/lib/data/gsm8k-teacher';
import { synthDataset, toJsonl } from '../src/lib/data/synth';
import { runDataInspection } from '../src/lib/pipeline/inspect';
import { gsm8kTrainRecords, synthFileName, type SynthTrainSource } from '../src/lib/pipeline/sources';
import type { DataWorkerEvent } from '../workers/protocol';
import { writeGsm8kSplit, type Gsm8kItem } from './helpers/gsm8k-hub';
import { startHubServer, type HubServer } from './helpers/hub-server';
import { sharedPath, sharedRequirement, skipUnless } from './helpers/shared';

const needs = sharedRequirement('data', 'gsm8k', 'train.jsonl');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-gsm8k-train-'));
const trainFile = sharedPath('data', 'gsm8k', 'train.jsonl');
let hub: HubServer;
let rows: Gsm8kItem[];

beforeAll(async () => {
  if (needs.available) await serveTrainSplit();
});
afterAll(async () => {
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function serveTrainSplit() {
  rows = readFileSync(trainFile, 'utf8').trim().split('\n').slice(0, 60).map((l) => JSON.parse(l));
  writeGsm8kSplit(path.join(tmp, 'hub'), 'train', rows);
  hub = await startHubServer({ 'datasets/openai/gsm8k': path.join(tmp, 'hub') });
}

async function inspect(data: SynthTrainSource, endpoint: string): Promise<DataWorkerEvent[]> {
  const events: DataWorkerEvent[] = [];
  await runDataInspection({ data, endpoint, maxLength: 256 }, (e) => events.push(e));
  return events;
}

describe('real questions in the training data', () => {
  it("the Data step's synthetic records are followed by GSM8K training items from the hub, as the teacher writes them", async (ctx) => {
    skipUnless(ctx, needs);
    const data: SynthTrainSource = { kind: 'synth', n: 10, seed: 3, difficulty: [1, 2], gsm8kTrain: { items: 5 } };
    const events = await inspect(data, hub.url);
    const done = events.find((e) => e.type === 'data-inspected');
    if (done?.type !== 'data-inspected') throw new Error(`no data-inspected event among ${JSON.stringify(events)}`);
    const real = gsm8kTeacher(rows, { ...GSM8K_TEACHER_DEFAULTS, limit: 5 }).records;
    expect(real).toHaveLength(5);
    expect(await done.file.text()).toBe(toJsonl([...synthDataset(data), ...real]));
    expect(done.file.name).toBe(synthFileName(data, 5));
    expect(done.file.name).toBe('synth-n10-seed3-d1-2-gsm8k5.jsonl');
    expect(done.inspection.read).toBe(15);
    expect(events).toContainEqual({ type: 'data-log', line: expect.stringMatching(/^GSM8K items: 5 kept of the first \d+ of 60; left out: /) });
    expect(hub.requests.some((r) => r === '/datasets/openai/gsm8k/resolve/main/main/train-00000-of-00001.parquet')).toBe(true);
  });

  it('a JSONL file in GSM8K\'s schema gives the same records as the hub\'s Parquet file', async (ctx) => {
    skipUnless(ctx, needs);
    const first60 = path.join(tmp, 'train-60.jsonl');
    writeFileSync(first60, rows.map((r) => JSON.stringify(r)).join('\n'));
    const fromFile = await gsm8kTrainRecords({ url: first60, items: 5, maxCalculations: 2 });
    const fromHub = await gsm8kTrainRecords({ items: 5, maxCalculations: 2 }, { endpoint: hub.url });
    expect(fromFile.records).toHaveLength(5);
    expect(fromFile.records.every((r) => r.difficulty <= 2)).toBe(true);
    expect(fromHub).toEqual(fromFile);
  });

  it('offline, the error names the address and says how to train without the hub', async () => {
    const events = inspect({ kind: 'synth', n: 4, seed: 1, gsm8kTrain: { items: 5 } }, 'http://127.0.0.1:9');
    await expect(events).rejects.toThrow(/Could not reach http:\/\/127\.0\.0\.1:9\/datasets\/openai\/gsm8k\/.*train-00000-of-00001\.parquet.*to train offline, add none/);
  });

  it('a line that is not a GSM8K item stops it with the file and line, not a quiet skip', async () => {
    const bad = path.join(tmp, 'bad.jsonl');
    writeFileSync(bad, [JSON.stringify({ question: 'Ann has 3 pens and buys 4 more. How many pens?', answer: 'She has 3+4=<<3+4=7>>7 pens.\n#### 7' }), '{"question": "no answer"}'].join('\n'));
    await expect(gsm8kTrainRecords({ url: bad, items: 5 })).rejects.toThrow(/bad\.jsonl, line 2: .*fix or remove them/);
  });
});
