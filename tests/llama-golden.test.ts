// The shared reference fixture: a random Llama whose logits and greedy ids were recorded by an
// independent C implementation (llama2.c). Our model must reproduce them on every Node backend.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import { generate } from '../models/generate';
import { sharedPath, skipUnlessShared } from './helpers/shared';
import { maxAbsDiff, NODE_BACKENDS, useBackend } from './helpers/tf';

const FIXTURE = ['fixtures', 'tiny-llama-ref'];

interface Golden {
  prompt_ids: number[];
  greedy_continuation_ids: number[];
  logits: { positions: number[]; values: number[][] };
}

describe.each(NODE_BACKENDS)('tiny-llama-ref on %s', (backend) => {
  it('reproduces the recorded logits and greedy continuation', async (ctx) => {
    skipUnlessShared(ctx, ...FIXTURE);
    await useBackend(backend);
    expect(tf.getBackend()).toBe(backend);
    const golden: Golden = JSON.parse(readFileSync(sharedPath(...FIXTURE, 'golden.json'), 'utf8'));
    const { model } = await fromPretrained(sharedPath(...FIXTURE), { log: () => {} });

    // Teacher-forced logits: the prompt, then the recorded greedy tokens.
    const ids = [...golden.prompt_ids, ...golden.greedy_continuation_ids].slice(0, Math.max(...golden.logits.positions) + 1);
    const { hidden } = model.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
    const logits = model.logits(hidden);
    const rows = (await logits.array()) as number[][][];
    tf.dispose([hidden, logits]);
    golden.logits.positions.forEach((p, i) => {
      expect(maxAbsDiff(rows[0][p], golden.logits.values[i]), `position ${p}`).toBeLessThan(1e-3);
    });

    const out = await generate(model, [golden.prompt_ids], {
      maxNewTokens: golden.greedy_continuation_ids.length,
      greedy: true,
      stopTokenIds: [],
    });
    expect(out.ids[0]).toEqual(golden.greedy_continuation_ids);
    model.dispose();
  });
});
