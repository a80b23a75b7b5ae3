// Tokenization with loss masks, and packing: exactly the completion and its EOS are trained, with
// and without packing, and packed examples never attend to each other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedWeightShapes, parseConfig } from '../models/config';
import { nodeDirFiles } from '../models/files';
import { LlamaModel } from '../models/llama';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { packBestFitDecreasing, padRows, unpackedRows, type TrainRow } from '../src/lib/data/pack';
import { renderPrompt, resolvePromptStyle } from '../src/lib/data/prompt-format';
import { tokenizeExample, type TokenizedExample } from '../src/lib/data/tokenize';
import type { SftExample } from '../src/lib/data/types';
import { randomWeights } from './helpers/naive-llama';
import { naiveConfigOf, tinyConfig } from './helpers/random-model';
import { maxAbsDiff, useBackend } from './helpers/tf';
import { TINY_VOCAB_SIZE, writeTokenizerFiles } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(tmpdir(), 'distill-tok-'));
let tokenizer: TextTokenizer;

const EXAMPLES: SftExample[] = [
  { line: 1, context: [{ role: 'user', content: 'Tom has 3 apples and buys 4 more. How many now?' }], completion: '3 + 4 = 7.\n#### 7', parts: {} },
  { line: 2, context: [{ role: 'user', content: 'What is 6 times 7?' }], completion: '6 * 7 = 42. The answer is 42.', parts: {} },
  {
    line: 3,
    context: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Add 10 and 5.' },
    ],
    completion: '15',
    parts: {},
  },
  { line: 4, context: [{ role: 'user', content: 'Count to three.' }], completion: 'one two three', parts: {} },
];

beforeAll(async () => {
  await useBackend('cpu');
  tokenizer = (await loadTokenizer(nodeDirFiles(writeTokenizerFiles(tmp))))!;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tokenizeAll(style: 'chat' | 'plain', maxLength = 256): TokenizedExample[] {
  return EXAMPLES.map((ex) => {
    const r = tokenizeExample(ex, tokenizer, { style, maxLength });
    if (!r.ok) throw new Error(r.reason);
    return r.example;
  });
}

/** The text of the trained tokens of one row, per segment. */
function trainedText(row: TrainRow): string[] {
  const bySegment = new Map<number, number[]>();
  row.ids.forEach((id, i) => {
    if (row.mask[i]) bySegment.set(row.segments[i], [...(bySegment.get(row.segments[i]) ?? []), id]);
  });
  return [...bySegment.values()].map((ids) => tokenizer.decode(ids));
}

describe('prompt formats', () => {
  it('plain is the harness layout; earlier turns become earlier Q/A pairs', () => {
    const p = renderPrompt(EXAMPLES[2].context, 'plain', null);
    expect(p.text).toBe('Be brief.\n\nQuestion: Hi\nAnswer: Hello.\n\nQuestion: Add 10 and 5.\nAnswer:');
    expect(p.completionPrefix).toBe(' ');
  });
  it('chat uses the tokenizer template and is picked automatically when there is one', () => {
    expect(resolvePromptStyle(tokenizer)).toBe('chat');
    expect(resolvePromptStyle(null)).toBe('plain');
    expect(renderPrompt(EXAMPLES[1].context, 'chat', tokenizer).text).toBe('<|user|>\nWhat is 6 times 7?\n<|assistant|>\n');
  });
});

describe.each(['plain', 'chat'] as const)('loss masks (%s prompts)', (style) => {
  it('train exactly the completion and the EOS, unpacked and packed', () => {
    const examples = tokenizeAll(style);
    const prefix = style === 'plain' ? ' ' : '';
    const expected = EXAMPLES.map((ex) => `${prefix}${ex.completion}</s>`);
    for (const ex of examples) {
      expect(ex.ids.at(-1)).toBe(tokenizer.eosTokenId);
      expect(ex.mask.slice(0, ex.promptTokens).every((m) => m === 0)).toBe(true);
      expect(ex.mask.slice(ex.promptTokens).every((m) => m === 1)).toBe(true);
    }
    expect(unpackedRows(examples).flatMap(trainedText)).toEqual(expected);
    const packed = packBestFitDecreasing(examples, 128);
    expect(packed.length).toBeLessThan(examples.length);
    const byLine = new Map(packed.flatMap((row) => row.lines.map((line, k) => [line, trainedText(row)[k]] as const)));
    EXAMPLES.forEach((ex, i) => expect(byLine.get(ex.line)).toBe(expected[i]));
    // And the prompt really is the untrained part.
    const first = examples[0];
    expect(tokenizer.decode(first.ids.slice(0, first.promptTokens), { skipSpecialTokens: true })).toBe(
      renderPrompt(EXAMPLES[0].context, style, tokenizer).text,
    );
  });
});

describe('truncation', () => {
  it('cuts long sequences at max_length and says so; a prompt that fills it is refused', () => {
    const long = { ...EXAMPLES[0], completion: 'x '.repeat(200) };
    const r = tokenizeExample(long, tokenizer, { style: 'plain', maxLength: 80 });
    expect(r.ok && r.example.truncated).toBe(true);
    if (r.ok) {
      expect(r.example.ids).toHaveLength(80);
      expect(r.example.completionTokens).toBe(80 - r.example.promptTokens);
    }
    expect(tokenizeExample(EXAMPLES[0], tokenizer, { style: 'plain', maxLength: 5 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/the prompt alone is \d+ tokens, not shorter than max_length 5/),
    });
  });
});

describe('packing', () => {
  it('best-fit decreasing fills rows tightly, restarts positions and numbers segments', () => {
    const ex = (line: number, n: number): TokenizedExample => ({
      line, ids: Array(n).fill(5), mask: Array(n).fill(1), promptTokens: 0, completionTokens: n, truncated: false,
    });
    // Sizes 7,5,4,3,1 into rows of 10: BFD gives [7,3] and [5,4,1].
    const rows = packBestFitDecreasing([ex(1, 4), ex(2, 7), ex(3, 1), ex(4, 5), ex(5, 3)], 10);
    expect(rows.map((r) => r.lines)).toEqual([[2, 5], [4, 1, 3]]);
    expect(rows[0].positions).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2]);
    expect(rows[0].segments).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    const padded = padRows(rows, 12, 0);
    expect(padded[0].segments.slice(10)).toEqual([0, 0]);
    expect(padded[0].mask.slice(10)).toEqual([0, 0]);
    expect(() => packBestFitDecreasing([ex(9, 11)], 10)).toThrow(/line 9 has 11 tokens/);
  });

  it('packed logits equal unpacked logits: attention never crosses examples', async () => {
    const raw = tinyConfig('qwen2', { vocab_size: TINY_VOCAB_SIZE });
    const config = parseConfig(raw);
    const shapes = expectedWeightShapes(config);
    const weights = randomWeights(naiveConfigOf(raw), 9);
    const model = LlamaModel.fromArrays(config, new Map([...weights].map(([n, data]) => [n, { shape: shapes.get(n)!, data }])));
    const examples = tokenizeAll('chat');
    const [row] = padRows(packBestFitDecreasing(examples, 512), 520, 0);
    expect(row.lines).toHaveLength(EXAMPLES.length);

    const t = (xs: number[]) => tf.tensor2d([xs], [1, xs.length], 'int32');
    const { hidden } = model.forward(t(row.ids), { positions: t(row.positions), segmentIds: t(row.segments) });
    const packed = ((await model.logits(hidden).array()) as number[][][])[0];
    let offset = 0;
    for (const line of row.lines) {
      const ex = examples.find((e) => e.line === line)!;
      const alone = model.forward(t(ex.ids));
      const rows = ((await model.logits(alone.hidden).array()) as number[][][])[0];
      rows.forEach((r, i) => expect(maxAbsDiff(packed[offset + i], r), `line ${line}, token ${i}`).toBeLessThan(1e-4));
      offset += ex.ids.length;
    }
    // Without segment ids the later examples would see the earlier ones, and differ.
    const leaky = model.forward(t(row.ids), { positions: t(row.positions) });
    const leakyRows = ((await model.logits(leaky.hidden).array()) as number[][][])[0];
    expect(maxAbsDiff(leakyRows[offset - 1], packed[offset - 1])).toBeGreaterThan(1e-3);
    model.dispose();
  });
});
