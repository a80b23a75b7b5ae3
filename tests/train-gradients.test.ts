// The training loss's gradients against central finite differences, for every kind of parameter:
// embeddings (custom scatter gradient), norms, attention and MLP weights, q/k/v biases, the untied
// LM head, and LoRA's A and B. Checked along a random direction per tensor, on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { LoraAdapters, LORA_TARGETS } from '../models/lora';
import type { LlamaModel } from '../models/llama';
import { packBestFitDecreasing, padRows } from '../src/lib/data/pack';
import type { TokenizedExample } from '../src/lib/data/tokenize';
import { lossTargets, maskedLoss } from '../src/lib/train/loss';
import { Rng } from '../models/random';
import { trainableParams } from '../src/lib/train/trainer';
import { tinyModel } from './helpers/tiny-model';
import { NODE_BACKENDS, useBackend } from './helpers/tf';

const EXAMPLES: TokenizedExample[] = [
  { line: 1, ids: [1, 5, 9, 14, 22, 30, 2], mask: [0, 0, 0, 1, 1, 1, 1], promptTokens: 3, completionTokens: 4, truncated: false },
  { line: 2, ids: [1, 40, 41, 42, 7, 2], mask: [0, 0, 1, 1, 1, 1], promptTokens: 2, completionTokens: 4, truncated: false },
  { line: 3, ids: [1, 60, 61, 3, 3, 70, 71, 72, 2], mask: [0, 0, 0, 0, 1, 1, 1, 1, 1], promptTokens: 4, completionTokens: 5, truncated: false },
];

/** Mean masked loss over packed rows: the function the trainer differentiates. */
function lossFn(model: LlamaModel, chunkRows: number, train: { dropoutSeed?: number; gradientCheckpointing?: boolean } = {}): () => tf.Scalar {
  const rows = padRows(packBestFitDecreasing(EXAMPLES, 16), 16, 0);
  const targets = lossTargets(rows);
  const t2 = (key: 'ids' | 'positions' | 'segments') => tf.tensor2d(rows.flatMap((r) => r[key]), [rows.length, 16], 'int32');
  const head = (model.weights.get('lm_head.weight') ?? model.weights.get('model.embed_tokens.weight')!) as tf.Tensor2D;
  return () =>
    tf.tidy(() => {
      const { hidden } = model.forward(t2('ids'), { positions: t2('positions'), segmentIds: t2('segments'), ...train });
      return maskedLoss(hidden, head, targets, { chunkRows }).loss.div(targets.targets.length) as tf.Scalar;
    });
}

/** Directional derivative along a random unit direction: analytic vs central difference. */
async function checkTensor(name: string, v: tf.Variable, grad: tf.Tensor, f: () => tf.Scalar, seed: number) {
  const rng = new Rng(seed);
  const dir = tf.tidy(() => {
    const u = tf.tensor(Float32Array.from({ length: v.size }, () => rng.next() - 0.5), v.shape);
    return u.div(u.norm());
  });
  const analytic = (await tf.tidy(() => grad.mul(dir).sum()).data())[0];
  const original = v.clone();
  const eps = 1e-2;
  const at = async (sign: number) => {
    v.assign(tf.tidy(() => original.add(dir.mul(sign * eps))));
    const l = f();
    const x = (await l.data())[0];
    l.dispose();
    return x;
  };
  const numeric = ((await at(1)) - (await at(-1))) / (2 * eps);
  v.assign(original);
  tf.dispose([dir, original]);
  expect(Math.abs(analytic - numeric), `${name}: analytic ${analytic}, numeric ${numeric}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
  return Math.abs(analytic);
}

async function checkAll(model: LlamaModel, chunkRows: number, kinds: RegExp[]) {
  const f = lossFn(model, chunkRows);
  const params = trainableParams(model);
  const { grads, value } = tf.variableGrads(f, [...params.values()]);
  value.dispose();
  let checked = 0;
  let seed = 1;
  for (const kind of kinds) {
    const name = [...params.keys()].find((n) => kind.test(n));
    expect(name, `a parameter matching ${kind}`).toBeDefined();
    const v = params.get(name!)!;
    const magnitude = await checkTensor(name!, v, grads[v.name], f, seed++);
    expect(magnitude, `${name} has a real gradient`).toBeGreaterThan(1e-5);
    checked++;
  }
  tf.dispose(Object.values(grads));
  return checked;
}

const FULL_KINDS = [
  /embed_tokens/, /layers\.0\.input_layernorm/, /layers\.1\.post_attention_layernorm/, /^model\.norm/,
  /layers\.0\.self_attn\.q_proj\.weight/, /layers\.1\.self_attn\.k_proj\.weight/, /layers\.0\.self_attn\.v_proj\.weight/,
  /layers\.1\.self_attn\.o_proj\.weight/, /layers\.0\.mlp\.gate_proj/, /layers\.1\.mlp\.up_proj/, /layers\.0\.mlp\.down_proj/,
];

describe.each(NODE_BACKENDS)('gradients vs finite differences on %s', (backend) => {
  it('full model, Qwen2 (q/k/v biases, tied embeddings), loss in several chunks', async () => {
    await useBackend(backend);
    const model = tinyModel('qwen2', {}, 11, 0.3);
    const kinds = [...FULL_KINDS, /q_proj\.bias/, /k_proj\.bias/, /v_proj\.bias/];
    expect(await checkAll(model, 5, kinds)).toBe(kinds.length);
    model.dispose();
  });

  it('full model, Llama with an untied LM head', async () => {
    await useBackend(backend);
    const model = tinyModel('llama', {}, 12, 0.3);
    expect(await checkAll(model, 64, [/lm_head/, /embed_tokens/, /layers\.0\.self_attn\.q_proj\.weight/])).toBe(3);
    model.dispose();
  });

  it('LoRA A and B on every target module', async () => {
    await useBackend(backend);
    const model = tinyModel('llama', {}, 13, 0.3);
    model.adapters = LoraAdapters.create(model, { rank: 3, alpha: 6, dropout: 0, targets: [...LORA_TARGETS] }, 4);
    // B starts at zero (so A's gradient would be zero); give it values so both are tested.
    const rng = new Rng(9);
    for (const layer of model.adapters.layers.values()) layer.b.assign(tf.tensor(Float32Array.from({ length: layer.b.size }, () => rng.next() - 0.5), layer.b.shape));
    const kinds = LORA_TARGETS.flatMap((t, i) => [new RegExp(`layers\\.${i % 2}\\..*${t}\\.lora_A`), new RegExp(`layers\\.${(i + 1) % 2}\\..*${t}\\.lora_B`)]);
    expect(await checkAll(model, 7, kinds)).toBe(kinds.length);
    model.adapters.dispose();
    model.dispose();
  });

  it.each(['full', 'lora'] as const)('gradient checkpointing gives the same gradients and uses less memory (%s)', async (mode) => {
    await useBackend(backend);
    const model = tinyModel('llama', { num_hidden_layers: 3 }, 14, 0.3);
    if (mode === 'lora') model.adapters = LoraAdapters.create(model, { rank: 3, alpha: 6, dropout: 0.2, targets: [...LORA_TARGETS] }, 4);
    const params = [...trainableParams(model).values()];
    const gradsWith = async (gradientCheckpointing: boolean) => {
      const before = tf.memory().numBytes;
      let peak = 0;
      const f = lossFn(model, 8, { dropoutSeed: 77, gradientCheckpointing });
      const { grads, value } = tf.variableGrads(() => {
        const l = f();
        peak = tf.memory().numBytes - before;
        return l;
      }, params);
      const out = await Promise.all(params.map(async (p) => (await grads[p.name].data()) as Float32Array));
      tf.dispose([value, ...Object.values(grads)]);
      return { out, peak, loss: value };
    };
    const plain = await gradsWith(false);
    const checkpointed = await gradsWith(true);
    plain.out.forEach((g, i) => g.forEach((x, j) => expect(Math.abs(x - checkpointed.out[i][j])).toBeLessThan(1e-5 + 1e-4 * Math.abs(x))));
    expect(plain.out.some((g) => g.some((x) => x !== 0))).toBe(true);
    console.log(`${backend} ${mode}: activations at the end of the forward pass ${plain.peak} B plain, ${checkpointed.peak} B checkpointed`);
    expect(checkpointed.peak).toBeLessThan(plain.peak / 2);
    model.adapters?.dispose();
    model.dispose();
  });
});
