// AdamW (Loshchilov & Hutter): Adam moments with bias correction, and weight decay applied to the
// weights directly rather than through the gradient. Norm weights and biases (1-D) are not decayed.
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export class AdamW {
  /** Optimizer steps taken (for bias correction). */
  step = 0;
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];

  constructor(
    readonly params: tf.Variable[],
    readonly opts: AdamWOptions,
  ) {
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** One update with `grads` (same order as params) at learning rate `lr`. */
  apply(grads: tf.Tensor[], lr: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.opts;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    this.params.forEach((p, i) => {
      tf.tidy(() => {
        const g = grads[i];
        const m = this.m[i].mul(beta1).add(g.mul(1 - beta1));
        const v = this.v[i].mul(beta2).add(g.square().mul(1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        // p − lr·(m̂ / (√v̂ + ε) + decay·p), with the scalars folded: fewer passes over each tensor.
        const decay = p.shape.length > 1 ? weightDecay : 0;
        const decayed = decay > 0 ? p.mul(1 - lr * decay) : p;
        p.assign(decayed.sub(m.mul(lr / c1).div(v.mul(1 / c2).sqrt().add(epsilon))));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
