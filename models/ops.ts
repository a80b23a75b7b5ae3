// Matrix products shaped for speed on every backend. On wasm (XNNPACK) a plain matMul is fast,
// but transposed operands take a slow path: x @ W^T with transposeB measured ~15× slower than
// transposing W first, and the transposeA in matMul's own gradient ~30× slower (npm run bench).
import * as tf from '@tensorflow/tfjs-core';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

/** customGrad whose gradient runs in a tidy and releases the saved tensors when done. */
export function fused<I extends tf.Tensor[]>(f: (inputs: I, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: Grad }): (...inputs: I) => tf.Tensor {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const { value, gradFunc } = f(args as I, save);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = tf.tidy(() => gradFunc(dy, saved));
        // The saved tensors (the tape's own clones) and the output's gradient are not read again:
        // freed now rather than when the whole backward pass ends, memory falls as it walks down.
        tf.dispose([...saved, dy]);
        return grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: I) => tf.Tensor;
}

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
export const matMulNT = fused<[tf.Tensor2D, tf.Tensor2D]>(([x, w], save) => {
  save([x, w]);
  return {
    value: forwardNT(x, w),
    gradFunc: (dy, [sx, sw]) => [tf.matMul(dy as tf.Tensor2D, sw as tf.Tensor2D), tf.matMul((dy as tf.Tensor2D).transpose(), sx as tf.Tensor2D)],
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

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

/** x·wᵀ for a frozen w (LoRA's base weights): the gradient flows to x only, and no dw is computed. */
export function matMulNTFrozen(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return { value: forwardNT(input as tf.Tensor2D, w), gradFunc: (dy: tf.Tensor) => [tf.matMul(dy as tf.Tensor2D, w)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
  return op(x);
}
