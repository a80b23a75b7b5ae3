// The decoder's element-wise and attention pieces as single tape entries with hand-written
// gradients. tfjs keeps every input and output of every op on the tape until the backward pass
// ends, and every intermediate gradient too: RMSNorm alone was 8 entries, attention a dozen of
// [batch, heads, T, T]. Each op here saves only what its gradient needs and frees it once used.
import * as tf from '@tensorflow/tfjs';
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
 * softmax(q·kᵀ·scale + bias)·v with grouped-query attention: q [B, heads, T, hd], k and v
 * [B, kvHeads, keys, hd], bias [B, 1, T, keys] → [B, heads, T, hd]. The query heads that share a
 * key/value head (adjacent in HF's layout) are stacked along time, so keys are never copied. Only
 * q, k, v and the bias are kept for the gradient, which computes the probabilities again (as flash
 * attention does): keeping them took [B, heads, T, keys] floats a layer, the largest activation.
 * On wasm, whose batched products are slow, each (row, key/value head) pair runs alone with 2-D
 * products, which also bounds the [heads, T, keys] temporaries to one pair at a time.
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D): tf.Tensor4D {
  const [b, heads, t, hd] = q.shape;
  const kvHeads = k.shape[1];
  const keys = k.shape[2];
  const rep = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const perPair = tf.getBackend() === 'wasm' && rep * t * keys >= PAIR_MIN_SCORES;
  const pairs = perPair ? b * kvHeads : 1;
  // One group: all pairs at once (4-D, bias [B, 1, 1, T, keys]) or one pair (2-D, bias [1, T, keys]).
  const lead = perPair ? [] : [b, kvHeads];
  const groups = (x: tf.Tensor, rows: number, cols: number): tf.Tensor[] =>
    perPair ? tf.unstack(x.reshape([pairs, rows, cols])) : [x.reshape([b, kvHeads, rows, cols])];
  const biases = (x: tf.Tensor): tf.Tensor[] => (perPair ? tf.unstack(x) : [x.reshape([b, 1, 1, t, keys])]);
  const biasOf = (bs: tf.Tensor[], i: number) => bs[Math.floor(i / kvHeads)];
  const probsOf = (qg: tf.Tensor, kg: tf.Tensor, bg: tf.Tensor) =>
    tf.softmax(mm(qg, kg, true).reshape([...lead, rep, t, keys]).mul(scale).add(bg), -1).reshape([...lead, rep * t, keys]);
  const join = (xs: tf.Tensor[], shape: number[]) => (perPair ? tf.stack(xs) : xs[0]).reshape(shape);

  const op = fused<[tf.Tensor, tf.Tensor, tf.Tensor]>(([sq, sk, sv], save) => {
    save([sq, sk, sv, bias]);
    return {
      value: tf.tidy(() => {
        const [qs, ks, vs, bs] = [groups(sq, rep * t, hd), groups(sk, keys, hd), groups(sv, keys, hd), biases(bias)];
        return join(qs.map((qg, i) => tf.tidy(() => mm(probsOf(qg, ks[i], biasOf(bs, i)), vs[i]))), [b, heads, t, hd]);
      }),
      gradFunc: (dy, [q0, k0, v0, bias0]) => {
        const [qg, kg, vg, dyg, bs] = [groups(q0, rep * t, hd), groups(k0, keys, hd), groups(v0, keys, hd), groups(dy, rep * t, hd), biases(bias0)];
        const [dq, dk, dv]: tf.Tensor[][] = [[], [], []];
        qg.forEach((_, i) => {
          const [gq, gk, gv] = tf.tidy(() => {
            const p = probsOf(qg[i], kg[i], biasOf(bs, i));
            const dp = mm(dyg[i], vg[i], true);
            // softmax: dS = P ⊙ (dP − Σ dP ⊙ P), then the score scale.
            const ds = p.mul(dp.sub(dp.mul(p).sum(-1, true))).mul(scale);
            return [mm(ds, kg[i]), mmTransposeA(ds, qg[i]), mmTransposeA(p, dyg[i])];
          });
          dq.push(gq);
          dk.push(gk);
          dv.push(gv);
        });
        return [join(dq, q0.shape), join(dk, k0.shape), join(dv, v0.shape)];
      },
    };
  });
  return op(q, k, v) as tf.Tensor4D;
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
