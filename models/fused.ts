// The decoder's element-wise and attention pieces as single tape entries with hand-written
// gradients. tfjs keeps every input and output of every op on the tape until the backward pass
// ends, and every intermediate gradient too: RMSNorm alone was 8 entries, attention a dozen of
// [batch, heads, T, T]. Each op here saves only what its gradient needs and frees it once used.
import * as tf from '@tensorflow/tfjs-core';
import { attentionBias } from './attention-bias';
import { attentionBackward, attentionForward, attentionKernelSupports } from './kernels/attention-kernel';
import { fused } from './ops';

/** RMSNorm over the last axis: x · rsqrt(mean(x²) + eps) · w. */
export function rmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  const op = fused<[tf.Tensor, tf.Tensor]>(([input, weight], save) => {
    const r = tf.tidy(() => input.square().mean(-1, true).add(eps).rsqrt());
    save([input, weight, r]);
    return {
      value: tf.tidy(() => input.mul(r).mul(weight)),
      gradFunc: (dy, [sx, sw, sr]) => {
        const xn = sx.mul(sr);
        const dxn = dy.mul(sw);
        const dx = dxn.sub(xn.mul(dxn.mul(xn).mean(-1, true))).mul(sr);
        const dw = dy.mul(xn).reshape([-1, sw.shape[0]]).sum(0);
        return [dx, dw];
      },
    };
  });
  return op(x, w);
}

/** SwiGLU's gate: silu(gate) · up. */
export const swiGlu = fused<[tf.Tensor, tf.Tensor]>(([gate, up], save) => {
  save([gate, up]);
  return {
    value: tf.tidy(() => gate.mul(gate.sigmoid()).mul(up)),
    gradFunc: (dy, [g, u]) => {
      const s = g.sigmoid();
      const du = dy.mul(g.mul(s));
      // silu'(g) = s · (1 + g · (1 − s))
      const dg = dy.mul(u).mul(s.mul(g.mul(s.neg().add(1)).add(1)));
      return [dg, du];
    },
  };
});

/** Rotary embedding of x [.., headDim] with cos and sin tables (broadcast): x·cos + rot(x)·sin. */
export function rotary(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const half = x.shape[x.shape.length - 1]! / 2;
  // rot(x) = [−x2, x1]; its transpose, for the gradient, is rotᵀ(z) = [z2, −z1].
  const rot = (t: tf.Tensor, sign: number) => {
    const [a, b] = tf.split(t, [half, half], -1);
    return sign > 0 ? tf.concat([b.neg(), a], -1) : tf.concat([b, a.neg()], -1);
  };
  const op = fused<[tf.Tensor]>(([input], save) => {
    // Saved, though not inputs: the forward pass's scope frees the tables before the backward pass runs.
    save([cos, sin]);
    return {
      value: tf.tidy(() => input.mul(cos).add(rot(input, 1).mul(sin))),
      gradFunc: (dy, [c, s]) => dy.mul(c).add(rot(dy.mul(s), -1)),
    };
  });
  return op(x);
}

/**
 * Scores per (row, key/value head) pair from which wasm runs attention pair by pair: below it, the
 * per-pair ops' dispatch costs more than the slow batched products save (short rows, as in tests).
 */
const PAIR_MIN_SCORES = 16384;

/** x·y or x·yᵀ, for 2-D operands as wasm's fast path wants them (no transposed operand). */
function mm(x: tf.Tensor, y: tf.Tensor, transposeB = false): tf.Tensor {
  if (x.rank > 2) return tf.matMul(x, y, false, transposeB);
  return tf.matMul(x as tf.Tensor2D, (transposeB ? y.transpose() : y) as tf.Tensor2D);
}

/** xᵀ·y for x [rows, keys] and y [rows, headDim]: on 2-D operands as (yᵀ·x)ᵀ, which transposes only narrow tensors. */
function mmTransposeA(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (x.rank > 2) return tf.matMul(x, y, true, false);
  return tf.matMul((y as tf.Tensor2D).transpose(), x as tf.Tensor2D).transpose();
}

/**
 * One attention problem cut into groups: all (row, key/value head) pairs at once, or, on wasm from
 * `pairMinScores` scores a pair, one pair each.
 */
function attentionLayout(q: tf.Tensor4D, k: tf.Tensor4D, bias: tf.Tensor4D, pairMinScores: number) {
  const [b, heads, t, hd] = q.shape;
  const kvHeads = k.shape[1];
  const keys = k.shape[2];
  const rep = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const perPair = tf.getBackend() === 'wasm' && rep * t * keys >= pairMinScores;
  const pairs = perPair ? b * kvHeads : 1;
  // One group: all pairs at once (4-D, bias [B, 1, 1, T, keys]) or one pair (2-D, bias [1, T, keys]).
  const lead = perPair ? [] : [b, kvHeads];
  const groups = (x: tf.Tensor, rows: number, cols: number): tf.Tensor[] =>
    perPair ? tf.unstack(x.reshape([pairs, rows, cols])) : [x.reshape([b, kvHeads, rows, cols])];
  const biases = perPair ? tf.unstack(bias) : [bias.reshape([b, 1, 1, t, keys])];
  return {
    queries: (x: tf.Tensor) => groups(x, rep * t, hd),
    /** Keys or values, grouped as the queries are. */
    kvGroups: (x: tf.Tensor) => groups(x, keys, hd),
    biasOf: (i: number) => biases[Math.floor(i / kvHeads)],
    probs: (qg: tf.Tensor, kg: tf.Tensor, bg: tf.Tensor) =>
      tf.softmax(mm(qg, kg, true).reshape([...lead, rep, t, keys]).mul(scale).add(bg), -1).reshape([...lead, rep * t, keys]),
    join: (xs: tf.Tensor[], shape: number[]) => (perPair ? tf.stack(xs) : xs[0]).reshape(shape),
    scale,
  };
}

/** softmax(q·kᵀ·scale + bias)·v, untaped (the forward pass of `attention`). */
function attentionValue(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D, pairMinScores = PAIR_MIN_SCORES): tf.Tensor4D {
  return tf.tidy(() => {
    const l = attentionLayout(q, k, bias, pairMinScores);
    const [qs, ks, vs] = [l.queries(q), l.kvGroups(k), l.kvGroups(v)];
    return l.join(qs.map((qg, i) => tf.tidy(() => mm(l.probs(qg, ks[i], l.biasOf(i)), vs[i]))), q.shape) as tf.Tensor4D;
  });
}

/** The gradients of `attentionValue` for q, k and v, given the output's gradient dy. */
function attentionGrads(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D, dy: tf.Tensor, pairMinScores = PAIR_MIN_SCORES): tf.Tensor[] {
  return tf.tidy(() => {
    const l = attentionLayout(q, k, bias, pairMinScores);
    const [qg, kg, vg, dyg] = [l.queries(q), l.kvGroups(k), l.kvGroups(v), l.queries(dy)];
    const [dq, dk, dv]: tf.Tensor[][] = [[], [], []];
    qg.forEach((_, i) => {
      const [gq, gk, gv] = tf.tidy(() => {
        const p = l.probs(qg[i], kg[i], l.biasOf(i));
        const dp = mm(dyg[i], vg[i], true);
        // softmax: dS = P ⊙ (dP − Σ dP ⊙ P), then the score scale.
        const ds = p.mul(dp.sub(dp.mul(p).sum(-1, true))).mul(l.scale);
        return [mm(ds, kg[i]), mmTransposeA(ds, qg[i]), mmTransposeA(p, dyg[i])];
      });
      dq.push(gq);
      dk.push(gk);
      dv.push(gv);
    });
    return [l.join(dq, q.shape), l.join(dk, k.shape), l.join(dv, v.shape)];
  });
}

/**
 * softmax(q·kᵀ·scale + bias)·v with grouped-query attention: q [B, heads, T, hd], k and v
 * [B, kvHeads, keys, hd], bias [B, 1, T, keys] → [B, heads, T, hd]. The query heads that share a
 * key/value head (adjacent in HF's layout) are stacked along time, so keys are never copied. Only
 * q, k, v and the bias are kept for the gradient, which computes the probabilities again (as flash
 * attention does): keeping them took [B, heads, T, keys] floats a layer, the largest activation.
 * On wasm, whose batched products are slow, each (row, key/value head) pair runs alone with 2-D
 * products, which also bounds the [heads, T, keys] temporaries to one pair at a time.
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D): tf.Tensor4D {
  const op = fused<[tf.Tensor, tf.Tensor, tf.Tensor]>(([sq, sk, sv], save) => {
    save([sq, sk, sv, bias]);
    return {
      value: attentionValue(sq as tf.Tensor4D, sk as tf.Tensor4D, sv as tf.Tensor4D, bias),
      gradFunc: (dy, [q0, k0, v0, bias0]) => attentionGrads(q0 as tf.Tensor4D, k0 as tf.Tensor4D, v0 as tf.Tensor4D, bias0 as tf.Tensor4D, dy),
    };
  });
  return op(q, k, v) as tf.Tensor4D;
}

/**
 * Padding-free attention: q [1, heads, N, hd], k and v [1, kvHeads, N, hd] hold sequences of
 * `lengths` (summing to N) end to end, and each attends causally within itself. Every sequence
 * runs as its own attention problem of its own length: no padded scores, and no [N, N] bias.
 * On wasm it runs in models/kernels/attention.wat (head sizes a multiple of 4; the demo's steps
 * 1.3× faster than the tfjs ops below). Otherwise on wasm every sequence runs pair by pair, however
 * short: one sequence has only kvHeads pairs, so the batched products' slow path costs more than
 * the dispatches (demo batches of 16 short answers: 1.3× faster than with the padded threshold).
 */
export function raggedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, lengths: readonly number[]): tf.Tensor4D {
  const n = q.shape[2];
  let start = 0;
  const spans = lengths.map((length) => ({ start: (start += length) - length, length }));
  if (q.shape[0] !== 1 || start !== n) throw new Error(`padding-free attention takes one row whose sequences fill it: got ${q.shape[0]} rows of ${n}, lengths summing to ${start}`);
  if (tf.getBackend() === 'wasm' && attentionKernelSupports(q.shape[3])) return kernelAttention(q, k, v, lengths);
  const longest = lengths.reduce((m, l) => Math.max(m, l), 1);
  const cut = (x: tf.Tensor, s: { start: number; length: number }) => x.slice([0, 0, s.start, 0], [1, -1, s.length, -1]) as tf.Tensor4D;
  // One causal bias for the longest sequence, built once a pass; each sequence takes its corner.
  const corner = (bias: tf.Tensor, length: number) => bias.slice([0, 0, 0, 0], [1, 1, length, length]) as tf.Tensor4D;
  const op = fused<[tf.Tensor, tf.Tensor, tf.Tensor]>(([sq, sk, sv], save) => {
    save([sq, sk, sv]);
    return {
      value: tf.tidy(() => {
        const causal = attentionBias(1, longest, 0);
        return tf.concat(spans.map((s) => tf.tidy(() => attentionValue(cut(sq, s), cut(sk, s), cut(sv, s), corner(causal, s.length), 0))), 2);
      }),
      gradFunc: (dy, [q0, k0, v0]) => {
        const causal = attentionBias(1, longest, 0);
        const per = spans.map((s) => tf.tidy(() => attentionGrads(cut(q0, s), cut(k0, s), cut(v0, s), corner(causal, s.length), cut(dy, s), 0)));
        return [0, 1, 2].map((j) => tf.concat(per.map((g) => g[j]), 2));
      },
    };
  });
  return op(q, k, v) as tf.Tensor4D;
}

/**
 * `raggedAttention` by models/kernels/attention.wat, one call per (sequence, head) instead of
 * tfjs ops pair by pair. It keeps q, k, v and each row's log-sum-exp for the backward pass.
 */
function kernelAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, lengths: readonly number[]): tf.Tensor4D {
  const [, heads, n, headDim] = q.shape;
  const dims = { heads, kvHeads: k.shape[1], n, headDim };
  const scale = 1 / Math.sqrt(headDim);
  const floats = (x: tf.Tensor) => x.dataSync() as Float32Array;
  const op = fused<[tf.Tensor, tf.Tensor, tf.Tensor]>(([sq, sk, sv], save) => {
    const { out, lse } = attentionForward(floats(sq), floats(sk), floats(sv), dims, lengths, scale);
    // The log-sum-exps ([heads, n] floats) stay a plain array, held by the gradient's closure.
    save([sq, sk, sv]);
    return {
      value: tf.tensor(out, q.shape),
      gradFunc: (dy, [q0, k0, v0]) => {
        const g = attentionBackward(floats(q0), floats(k0), floats(v0), floats(dy), lse, dims, lengths, scale);
        return [tf.tensor(g.dq, q.shape), tf.tensor(g.dk, k.shape), tf.tensor(g.dv, v.shape)];
      },
    };
  });
  return op(q, k, v) as tf.Tensor4D;
}

/**
 * What each query may attend to: an additive bias [B, 1, T, keys], or (padding-free training) the
 * lengths of the causal sequences laid end to end in a single row.
 */
export type AttentionMask = { bias: tf.Tensor4D } | { lengths: readonly number[] };

export function maskedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: AttentionMask): tf.Tensor4D {
  return 'bias' in mask ? attention(q, k, v, mask.bias) : raggedAttention(q, k, v, mask.lengths);
}

/** a + scale·b (same shapes): tfjs's Add and Mul keep their inputs for gradients that need none. */
export function add(a: tf.Tensor, b: tf.Tensor, scale = 1): tf.Tensor {
  const op = fused<[tf.Tensor, tf.Tensor]>(([x, y], save) => {
    save([]);
    return {
      value: tf.tidy(() => (scale === 1 ? x.add(y) : x.add(y.mul(scale)))),
      // A clone (same data) for the second: the tape may free one input's gradient on its own.
      gradFunc: (dy) => [dy.clone(), scale === 1 ? dy.clone() : dy.mul(scale)],
    };
  });
  return op(a, b);
}

/** x reshaped: tfjs's Reshape keeps its input (a whole activation) for its gradient, which needs only the shape. */
export function view(x: tf.Tensor, shape: number[]): tf.Tensor {
  const op = fused<[tf.Tensor]>(([input], save) => {
    save([]);
    return { value: input.reshape(shape), gradFunc: (dy) => dy.reshape(input.shape) };
  });
  return op(x);
}

/** tf.dropout whose gradient draws its mask again from the seed rather than keeping it. */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  // tf.dropout's draws depend on the shape and the seed only: dropout of ones is its mask.
  const mask = () => tf.dropout(tf.onesLike(x), rate, undefined, seed);
  const op = fused<[tf.Tensor]>(([input], save) => {
    save([]);
    return { value: tf.tidy(() => input.mul(mask())), gradFunc: (dy) => dy.mul(mask()) };
  });
  return op(x);
}
