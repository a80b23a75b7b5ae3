// The hand-written problem sets in experiment/handwritten/ measure generalisation beyond the
// templates (README, "The bundled default model"; experiment/generalisation.md). They must load
// through the eval reader whole, each with a whole-number answer, stay distinct, and never be a
// question the experiment or the demo trains on.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_PLAN, planGsm8kRecords } from '../scripts/experiment-plan';
import { parseDifficulty, synthDataset } from '../src/lib/data/synth';
import { loadEvalDocs } from '../src/lib/eval/data';
import { DATA_FORM_DEFAULTS, DEMO_DEFAULTS, EVAL_FORM_DEFAULTS } from '../src/lib/lab-defaults';
import { hasShared, sharedPath } from './helpers/shared';

const DIR = path.resolve(__dirname, '../experiment/handwritten');
const SETS = { 'problems.jsonl': 30, 'problems-b.jsonl': 50, 'problems-c.jsonl': 30, 'problems-d.jsonl': 30, 'problems-e.jsonl': 50, 'problems-f.jsonl': 50, 'problems-g.jsonl': 40, 'problems-h.jsonl': 40 };
/** Each set as the eval reader loads it, read once for both tests (on first use, so a read error fails a test). */
let loading: ReturnType<typeof loadSets> | undefined;
const loadSets = () => Promise.all(Object.keys(SETS).map(async (file) => ({ file, ...(await loadEvalDocs(path.join(DIR, file))) })));
const loaded = () => (loading ??= loadSets());

describe('hand-written problem sets', () => {
  it('are the sets the README measures, every line an eval item with a whole-number answer', async () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(SETS).sort());
    for (const { file, docs, skipped } of await loaded()) {
      expect(skipped, file).toEqual([]);
      expect(docs, file).toHaveLength(SETS[file as keyof typeof SETS]);
      for (const doc of docs) expect(doc.answer, `${file}: ${doc.question}`).toMatch(/^#### \d+$/);
    }
  });

  it("share no question with each other or with the experiment's and the demo's training records", async () => {
    const questions = (await loaded()).flatMap((r) => r.docs.map((d) => d.question));
    expect(new Set(questions).size).toBe(questions.length);
    // The experiment's records (sizes nest: the CLI's default set is inside), and the demo's,
    // drawn as the demo draws them, at the difficulty it evaluates.
    const experiment = { n: EXPERIMENT_PLAN.trainRecords, seed: EXPERIMENT_PLAN.synthSeed };
    const demo = { n: DEMO_DEFAULTS.trainRecords, seed: DATA_FORM_DEFAULTS.synthSeed, difficulty: parseDifficulty(EVAL_FORM_DEFAULTS.difficulty) };
    // And the experiment's GSM8K training items, where ../shared holds them.
    const gsm8k = hasShared('data', 'gsm8k', 'train.jsonl') ? await planGsm8kRecords(sharedPath('data', 'gsm8k', 'train.jsonl')) : [];
    const training = new Set([...synthDataset(experiment), ...synthDataset(demo), ...gsm8k].map((r) => r.question));
    expect(questions.filter((q) => training.has(q))).toEqual([]);
  });
});
