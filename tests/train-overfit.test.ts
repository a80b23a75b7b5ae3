// The trainer end to end on a tiny model: 16 examples are memorized (loss < 0.05) with full
// fine-tuning and with LoRA, and greedy generation then reproduces their completions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDirFiles } from '../models/files';
import { generate } from '../models/generate';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { encodePrompt, renderPrompt } from '../src/lib/data/prompt-format';
import { tokenizeExample, type TokenizedExample } from '../src/lib/data/tokenize';
import type { SftExample } from '../src/lib/data/types';
import { Trainer } from '../src/lib/train/trainer';
import { useBackend } from './helpers/tf';
import { tinyModel } from './helpers/tiny-model';
import { TINY_VOCAB_SIZE, writeTokenizerFiles } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(tmpdir(), 'distill-overfit-'));
let tokenizer: TextTokenizer;
const NAMES = ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ida', 'Jo', 'Kim', 'Lu', 'Max', 'Ned', 'Oz', 'Pia'];
const SFT: SftExample[] = NAMES.map((name, i) => ({
  line: i + 1,
  context: [{ role: 'user', content: `${name} has ${i + 2} cats and gets ${i + 3} more.` }],
  completion: `${i + 2} + ${i + 3} = ${2 * i + 5}`,
  parts: {},
}));

beforeAll(async () => {
  await useBackend('wasm');
  tokenizer = (await loadTokenizer(nodeDirFiles(writeTokenizerFiles(tmp))))!;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function examples(): TokenizedExample[] {
  return SFT.map((ex) => {
    const r = tokenizeExample(ex, tokenizer, { style: 'plain', maxLength: 64 });
    if (!r.ok) throw new Error(r.reason);
    return r.example;
  });
}

// LoRA cannot change the (frozen) embeddings and head, so its model starts with weights of a larger
// scale: a head of random 0.1-scale rows caps the logit gap, and with it how low the loss can go.
describe.each([
  ['full', { mode: 'full' as const, learningRate: 3e-3, maxSteps: 150, initScale: 0.1 }],
  ['LoRA', { mode: 'lora' as const, learningRate: 1e-2, maxSteps: 200, initScale: 0.4, lora: { rank: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const } }],
])('memorizing 16 examples (%s)', (_name, overrides) => {
  it('drives the loss below 0.05 and greedy decoding reproduces the completions', { timeout: 120_000 }, async () => {
    const { initScale, ...config } = overrides;
    const model = tinyModel('llama', { vocab_size: TINY_VOCAB_SIZE, hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_key_value_heads: 2 }, 21, initScale);
    const before = model.adapters ? null : tf.memory().numTensors;
    const trainer = new Trainer(model, { train: examples() }, {
      ...config,
      lora: config.mode === 'lora' ? { ...config.lora, targets: [...config.lora!.targets] } : undefined,
      batchSize: 16,
      warmupSteps: 10,
      schedule: 'constant',
      weightDecay: 0,
      seed: 1,
    } as never);
    const counts: number[] = [];
    const result = await trainer.run({ onStep: () => void counts.push(tf.memory().numTensors) });
    const last = result.history.at(-1)!;
    console.log(`${_name}: loss ${result.history[0].loss.toFixed(3)} → ${last.loss.toFixed(4)} in ${result.steps} steps, accuracy ${last.accuracy.toFixed(3)}`);
    expect(result.status).toBe('done');
    expect(last.loss).toBeLessThan(0.05);
    // No tensor leaks: the count is flat across steps.
    expect(new Set(counts.slice(2)).size).toBe(1);
    if (before !== null) expect(counts[2]).toBeGreaterThan(before);

    for (const ex of SFT) {
      const prompt = encodePrompt(renderPrompt(ex.context, 'plain', tokenizer), tokenizer);
      const out = await generate(model, [prompt], { maxNewTokens: 24, greedy: true, stopTokenIds: [tokenizer.eosTokenId!] });
      expect(tokenizer.decode(out.ids[0], { skipSpecialTokens: true }).trim()).toBe(ex.completion);
    }
    trainer.dispose();
    model.adapters?.dispose();
    model.dispose();
  });
});
