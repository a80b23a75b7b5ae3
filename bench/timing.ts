// Timing pieces the benches share, in Node and in the browser pages they drive (no Node imports).
import * as tf from '@tensorflow/tfjs-core';

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median ms of an [n, n] · [n, n] matmul on the running backend, result read back, after `warmup` untimed runs. */
export async function matmulMs(n: number, warmup: number, runs: number): Promise<number> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i >= warmup) times.push(performance.now() - t0);
  }
  tf.dispose([a, b]);
  return median(times);
}
