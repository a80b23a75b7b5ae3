// The learning rate at each optimizer step: linear warmup, then cosine, linear or constant.
import type { TrainConfig } from './config';

export function warmupSteps(c: TrainConfig, totalSteps: number): number {
  return c.warmupSteps > 0 ? c.warmupSteps : Math.round(c.warmupRatio * totalSteps);
}

/** `step` counts from 0; the rate used for the update that step makes. */
export function learningRate(c: TrainConfig, step: number, totalSteps: number): number {
  const warmup = warmupSteps(c, totalSteps);
  if (step < warmup) return (c.learningRate * (step + 1)) / warmup;
  const min = c.learningRate * c.minLrRatio;
  const progress = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
  switch (c.schedule) {
    case 'constant':
      return c.learningRate;
    case 'linear':
      return min + (c.learningRate - min) * (1 - progress);
    case 'cosine':
      return min + ((c.learningRate - min) * (1 + Math.cos(Math.PI * progress))) / 2;
  }
}
