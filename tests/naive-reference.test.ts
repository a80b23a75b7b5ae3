// Our TensorFlow.js model against the float64 reference in plain loops, for the variants the
// shared fixture does not cover: Qwen2 (q/k/v bias, tied embeddings), untied lm_head, and
// Llama 3's rope scaling with head_dim != hidden/heads.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../models/config';
import { LlamaModel } from '../models/llama';
import { expectedWeightShapes } from '../models/config';
import { naiveLogits, randomWeights } from './helpers/naive-llama';
import { naiveConfigOf, tinyConfig } from './helpers/random-model';
import { maxAbsDiff, NODE_BACKENDS, useBackend } from './helpers/tf';

const IDS = [1, 17, 42, 5, 77, 3, 90, 12, 64, 33, 8, 50, 2, 71];

const VARIANTS = {
  'Qwen2 (qkv bias, tied embeddings)': tinyConfig('qwen2'),
  'Llama (untied lm_head)': tinyConfig('llama'),
  'Llama 3 (llama3 rope scaling, head_dim 12)': tinyConfig('llama3'),
};

describe.each(NODE_BACKENDS)('float64 reference on %s', (backend) => {
  it.each(Object.entries(VARIANTS))('%s', async (_name, raw) => {
    await useBackend(backend);
    const config = parseConfig(raw);
    const weights = randomWeights(naiveConfigOf(raw), 7);
    const shapes = expectedWeightShapes(config);
    expect([...weights.keys()].sort()).toEqual([...shapes.keys()].sort());
    const model = LlamaModel.fromArrays(config, new Map([...weights].map(([n, data]) => [n, { shape: shapes.get(n)!, data }])));

    const expected = naiveLogits(naiveConfigOf(raw), weights, IDS);
    const { hidden } = model.forward(tf.tensor2d([IDS], [1, IDS.length], 'int32'));
    const got = (await model.logits(hidden).array()) as number[][][];
    expected.forEach((row, p) => expect(maxAbsDiff(got[0][p], row), `position ${p}`).toBeLessThan(1e-4));
    // The positions must differ, or a broken attention could pass by accident.
    expect(maxAbsDiff(expected[0], expected[IDS.length - 1])).toBeGreaterThan(0.1);
    hidden.dispose();
    model.dispose();
  });
});
