// Masked next-token cross-entropy without a [batch, length, vocab] tensor: the LM head and softmax
// run only on the positions whose next token is trained, a chunk of rows at a time, and the
// backward pass recomputes each chunk's logits instead of keeping them.
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from '../../../models/ops';

export interface LossTargets {
  /** Flat positions (row * length + t) whose hidden state predicts a trained token. */
  positions: Int32Array;
  /** The token each of those positions must predict. */
  targets: Int32Array;
}

/** Statistics the forward pass computes on the side (no gradient flows through them). */
export interface LossStats {
  /** Summed negative log-likelihood over the targets. */
  nll: number;
  correct: number;
  count: number;
}

/**
 * Which positions are trained in a batch of rows: position t predicts token t+1 when that token
 * is masked in and belongs to the same example (segment) as t.
 */
export function lossTargets(rows: { ids: number[]; mask: number[]; segments: number[] }[]): LossTargets {
  const positions: number[] = [];
  const targets: number[] = [];
  const length = rows[0]?.ids.length ?? 0;
  rows.forEach((row, r) => {
    for (let t = 0; t + 1 < row.ids.length; t++) {
      if (row.mask[t + 1] && row.segments[t + 1] !== 0 && row.segments[t + 1] === row.segments[t]) {
        positions.push(r * length + t);
        targets.push(row.ids[t + 1]);
      }
    }
  });
  return { positions: Int32Array.from(positions), targets: Int32Array.from(targets) };
}

/**
 * Summed cross-entropy of `hidden` rows [n, H] against `targets` under the head [V, H], in chunks
 * of `chunkRows`. `stats` receives the loss, the correct count and the count as plain numbers
 * (computed on the forward pass only).
 */
function chunkedCrossEntropy(
  hidden: tf.Tensor2D,
  head: tf.Tensor2D,
  targets: Int32Array,
  chunkRows: number,
  headTrainable: boolean,
  stats?: (s: { nll: tf.Tensor; correct: tf.Tensor }) => void,
): tf.Scalar {
  const vocab = head.shape[0];
  const chunks: [number, number][] = [];
  for (let start = 0; start < targets.length; start += chunkRows) chunks.push([start, Math.min(targets.length, start + chunkRows)]);
  const onehot = (s: number, e: number) => tf.oneHot(tf.tensor1d(targets.subarray(s, e), 'int32'), vocab);
  // Each target's logit in a chunk's flattened [rows, vocab] logits.
  const pickIndex = (s: number, e: number) => tf.tensor1d(Int32Array.from(targets.subarray(s, e), (id, i) => i * vocab + id), 'int32');

  // A frozen head (LoRA) is not an input of the op, so no [vocab, hidden] gradient is computed for it.
  const loss = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const h = args[0] as tf.Tensor;
    const w = (headTrainable ? args[1] : head) as tf.Tensor;
    save([h, w]);
    const value = tf.tidy(() => {
      let nll: tf.Tensor = tf.scalar(0);
      let correct: tf.Tensor = tf.scalar(0);
      // The head transposed once for every chunk (a plain product is wasm's fast path).
      const wT = w.transpose() as tf.Tensor2D;
      for (const [s, e] of chunks) {
        const logits = tf.matMul(h.slice([s, 0], [e - s, -1]) as tf.Tensor2D, wT);
        const picked = tf.gather(logits.reshape([-1]), pickIndex(s, e));
        nll = nll.add(tf.logSumExp(logits, 1).sub(picked).sum());
        correct = correct.add(tf.equal(logits.argMax(1), tf.tensor1d(targets.subarray(s, e), 'int32')).sum());
      }
      stats?.({ nll: tf.keep(nll.clone()), correct: tf.keep(correct) });
      return nll as tf.Scalar;
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, sw] = saved as tf.Tensor2D[];
        const wT = tf.transpose(sw) as tf.Tensor2D;
        let dHead: tf.Tensor | null = headTrainable ? tf.zerosLike(sw) : null;
        const dHidden: tf.Tensor[] = [];
        for (const [s, e] of chunks) {
          const [dh, dw] = tf.tidy(() => {
            const rows = sh.slice([s, 0], [e - s, -1]) as tf.Tensor2D;
            // d(logsumexp − picked)/dlogits = softmax − onehot
            const g = tf.softmax(tf.matMul(rows, wT)).sub(onehot(s, e)).mul(dy) as tf.Tensor2D;
            return [tf.matMul(g, sw), headTrainable ? tf.matMul(g.transpose(), rows) : tf.scalar(0)];
          });
          dHidden.push(dh);
          if (dHead) {
            const next = dHead.add(dw);
            tf.dispose(dHead);
            dHead = next;
          }
          dw.dispose();
        }
        const dh = dHidden.length ? tf.concat(dHidden, 0) : tf.zerosLike(sh);
        tf.dispose([...dHidden, wT, ...saved]);
        return dHead ? [dh, dHead] : [dh];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Scalar;
  return headTrainable ? loss(hidden, head) : loss(hidden);
}

export interface MaskedLossOptions {
  /** Rows of logits computed at once: bounds the [rows, vocab] tensor. */
  chunkRows: number;
  /** False when the head is frozen (LoRA): its gradient is then not computed. Default true. */
  headTrainable?: boolean;
}

/**
 * Summed masked cross-entropy of final hidden states [B, T, H]. Returns the loss tensor (for
 * gradients) and a promise of the side statistics.
 */
export function maskedLoss(hidden: tf.Tensor3D, head: tf.Tensor2D, t: LossTargets, opts: MaskedLossOptions): { loss: tf.Scalar; stats: () => Promise<LossStats> } {
  const [b, len, h] = hidden.shape;
  let side: { nll: tf.Tensor; correct: tf.Tensor } | null = null;
  const loss = tf.tidy(() => {
    const selected = gatherRows(hidden.reshape([b * len, h]) as tf.Tensor2D, tf.tensor1d(t.positions, 'int32'));
    return chunkedCrossEntropy(selected, head, t.targets, opts.chunkRows, opts.headTrainable ?? true, (s) => (side = s));
  });
  return {
    loss,
    stats: async () => {
      if (!side) return { nll: 0, correct: 0, count: t.targets.length };
      const { nll, correct } = side as { nll: tf.Tensor; correct: tf.Tensor };
      const [n, c] = await Promise.all([nll.data(), correct.data()]);
      tf.dispose([nll, correct]);
      return { nll: n[0], correct: c[0], count: t.targets.length };
    },
  };
}
