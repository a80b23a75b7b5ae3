// The hand-written problem sets in experiment/handwritten/ measure generalisation beyond the
// templates (README, "The bundled default model"). They must load through the eval reader whole,
// each with a whole-number answer, stay distinct, and never be a question the experiment or the
// demo trains on.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDifficulty, synthDataset } from '../src/lib/data/synth';
import { loadEvalDocs } from '../src/lib/eval/data';
import { DEMO_DEFAULTS, EVAL_FORM_DEFAULTS } from '../src/lib/lab-defaults';
import { BUNDLED_PRESET } from '../src/lib/pipeline/defaults';

const DIR = path.resolve(__dirname, '../experiment/handwritten');
const SETS = { 'problems.jsonl': 30, 'problems-b.jsonl': 50, 'problems-c.jsonl': 30, 'problems-d.jsonl': 30 };

describe('hand-written problem sets', () => {
  it('are the sets the README measures, every line an eval item with a whole-number answer', async () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(SETS).sort());
    for (const [file, size] of Object.entries(SETS)) {
      const { docs, skipped } = await loadEvalDocs(path.join(DIR, file));
      expect(skipped, file).toEqual([]);
      expect(docs, file).toHaveLength(size);
      for (const doc of docs) expect(doc.answer, `${file}: ${doc.question}`).toMatch(/^#### \d+$/);
    }
  });

  it("share no question with each other or with the experiment's and the demo's training records", async () => {
    const questions = (await Promise.all(Object.keys(SETS).map((f) => loadEvalDocs(path.join(DIR, f))))).flatMap((r) => r.docs.map((d) => d.question));
    expect(new Set(questions).size).toBe(questions.length);
    // The experiment's 6,400 records (sizes nest: the CLI's default set is inside), and the demo's,
    // drawn at the difficulty it evaluates.
    const seed = BUNDLED_PRESET.synth.seed;
    const demo = { n: DEMO_DEFAULTS.trainRecords, seed, difficulty: parseDifficulty(EVAL_FORM_DEFAULTS.difficulty) };
    const training = new Set([...synthDataset({ n: 6400, seed }), ...synthDataset(demo)].map((r) => r.question));
    expect(questions.filter((q) => training.has(q))).toEqual([]);
  });
});
