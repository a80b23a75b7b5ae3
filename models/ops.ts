// Matrix products shaped for speed on every backend. On wasm (XNNPACK) a plain matMul is fast,
// but transposed operands take a slow path: x @ W^T with transposeB measured ~15× slower than
// transposing W first, and the transposeA in matMul's own gradient ~30× slower (npm run bench).
import * as tf from '@tensorflow/tfjs';

/**
 * Rows below which transposing the weight costs more than the slow transposeB path (measured
 * crossover on wasm: between 16 and 32 rows; batched decoding has one row per sequence).
 */
const EXPLICIT_TRANSPOSE_MIN_ROWS = 24;

function forwardNT(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return x.shape[0] >= EXPLICIT_TRANSPOSE_MIN_ROWS ? tf.matMul(x, w.transpose()) : tf.matMul(x, w, false, true);
}

/**
 * x [n, in] times w^T, with w in Hugging Face Linear layout [out, in] → [n, out].
 * The gradient uses plain products too: dx = dy · w, dw = dy^T · x.
 */
export const matMulNT = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: forwardNT(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, sw), tf.matMul((dy as tf.Tensor2D).transpose(), sx)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * Rows of `x` [rows, width] at `indices` [n] → [n, width]. Its gradient scatters back with
 * scatterND (which sums repeated indices): tf.gather's own gradient needs UnsortedSegmentSum,
 * which the wasm backend lacks. Serves the embedding lookup and the loss's row selection.
 */
export const gatherRows = tf.customGrad(((x: tf.Tensor, indices: tf.Tensor, save: tf.GradSaveFunc) => {
  save([indices]);
  const shape = x.shape;
  return {
    value: tf.gather(x, indices),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [idx] = saved;
      return [tf.scatterND(idx.reshape([-1, 1]), dy, shape), tf.zerosLike(idx)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, indices: tf.Tensor1D) => tf.Tensor2D;

/** a [n, k] times b [k, m], with a gradient made of the fast products too: da = dy·bᵀ, db = aᵀ·dy. */
export const matMulNN = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [matMulNT(dy as tf.Tensor2D, sb), tf.matMul(sa.transpose(), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Rows per batch entry from which splitting a batched product pays off on wasm. */
const SPLIT_MIN_ROWS = 16;

/**
 * a·b or a·bᵀ over matching leading (batch) dimensions. wasm's batched kernel runs some 10× below
 * its 2-D products (attention took half a training step), so there, for prefill- and training-sized
 * inputs, each batch entry gets its own 2-D product.
 */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeB: boolean): tf.Tensor {
  const [m, k] = a.shape.slice(-2);
  if (tf.getBackend() !== 'wasm' || m < SPLIT_MIN_ROWS) return tf.matMul(a, b, false, transposeB);
  const lead = a.shape.slice(0, -2);
  const entries = lead.reduce((x, y) => x * y, 1);
  const bShape = b.shape.slice(-2);
  const as = tf.unstack(a.reshape([entries, m, k])) as tf.Tensor2D[];
  const bs = tf.unstack(b.reshape([entries, ...bShape])) as tf.Tensor2D[];
  const products = as.map((ai, i) => (transposeB ? matMulNT(ai, bs[i]) : matMulNN(ai, bs[i])));
  return tf.stack(products).reshape([...lead, m, transposeB ? bShape[0] : bShape[1]]);
}

/** x·wᵀ for a frozen w (LoRA's base weights): the gradient flows to x only, and no dw is computed. */
export function matMulNTFrozen(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return { value: forwardNT(input as tf.Tensor2D, w), gradFunc: (dy: tf.Tensor) => [tf.matMul(dy as tf.Tensor2D, w)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
  return op(x);
}
