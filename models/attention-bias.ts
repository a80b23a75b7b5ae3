// The additive attention bias [batch, 1, time, pastLength + time]: 0 where a query may attend to a
// key, MASKED where it may not (a later position, padding, or another packed sequence).
import * as tf from '@tensorflow/tfjs-core';

const MASKED = -1e9; // finite, so a fully masked (padding) query row softmaxes to uniform, not NaN

/** Backends whose tensors live in main memory: reading the masks back costs a copy, no sync. */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * `keyMask` [batch, pastLength + time]: 1 for a real key, 0 for padding. `segmentIds`
 * [batch, time]: packed sequences attend only within their own id (not with a KV cache).
 */
export function attentionBias(batch: number, time: number, pastLength: number, keyMask?: tf.Tensor2D, segmentIds?: tf.Tensor2D): tf.Tensor4D {
  if (segmentIds && pastLength > 0) throw new Error('segmentIds (packing) cannot be combined with a KV cache');
  // On wasm, the broadcasting compare and logical-and kernels took a tenth of a training step.
  return HOST_BACKENDS.has(tf.getBackend())
    ? attentionBiasOnHost(batch, time, pastLength, keyMask?.dataSync(), segmentIds?.dataSync())
    : attentionBiasWithOps(batch, time, pastLength, keyMask, segmentIds);
}

/** Built in a JavaScript loop from the masks' values. */
export function attentionBiasOnHost(batch: number, time: number, pastLength: number, keyMask?: ArrayLike<number>, segmentIds?: ArrayLike<number>): tf.Tensor4D {
  const keys = pastLength + time;
  const bias = new Float32Array(batch * time * keys);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < time; i++) {
      const row = (b * time + i) * keys;
      const segment = segmentIds?.[b * time + i];
      for (let j = 0; j < keys; j++) {
        const allowed = j <= pastLength + i && (!keyMask || keyMask[b * keys + j] !== 0) && (!segmentIds || segmentIds[b * time + j] === segment);
        if (!allowed) bias[row + j] = MASKED;
      }
    }
  }
  return tf.tensor4d(bias, [batch, 1, time, keys]);
}

/** Built with tensor ops, where the masks live on a GPU. */
export function attentionBiasWithOps(batch: number, time: number, pastLength: number, keyMask?: tf.Tensor2D, segmentIds?: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const keys = pastLength + time;
    const q = tf.range(pastLength, keys, 1, 'int32').reshape([1, 1, time, 1]);
    const k = tf.range(0, keys, 1, 'int32').reshape([1, 1, 1, keys]);
    let allowed: tf.Tensor = tf.lessEqual(k, q);
    if (keyMask) allowed = tf.logicalAnd(allowed, keyMask.reshape([batch, 1, 1, keys]).cast('bool'));
    if (segmentIds) allowed = tf.logicalAnd(allowed, tf.equal(segmentIds.reshape([batch, 1, time, 1]), segmentIds.reshape([batch, 1, 1, time])));
    const shape: [number, number, number, number] = [batch, 1, time, keys];
    return tf.where(allowed.broadcastTo(shape), tf.zeros(shape), tf.fill(shape, MASKED)) as tf.Tensor4D;
  });
}
