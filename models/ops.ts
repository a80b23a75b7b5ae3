// Matrix products shaped for speed on every backend. On wasm (XNNPACK) a plain matMul is fast,
// but transposed operands take a slow path: x @ W^T with transposeB measured ~15× slower than
// transposing W first, and the transposeA in matMul's own gradient ~30× slower (npm run bench).
import * as tf from '@tensorflow/tfjs';

/** Rows below which transposing the weight costs more than the slow transposeB path. */
const EXPLICIT_TRANSPOSE_MIN_ROWS = 4;

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
