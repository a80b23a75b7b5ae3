// Tiny random LlamaModels built in memory, for training and generation tests.
import { expectedWeightShapes, parseConfig } from '../../models/config';
import { LlamaModel } from '../../models/llama';
import { randomWeights } from './naive-llama';
import { naiveConfigOf, tinyConfig } from './random-model';

export function tinyModel(family: 'llama' | 'qwen2' | 'llama3', overrides: Record<string, unknown> = {}, seed = 3, scale = 0.2): LlamaModel {
  const raw = tinyConfig(family, overrides);
  const config = parseConfig(raw);
  const shapes = expectedWeightShapes(config);
  const weights = randomWeights(naiveConfigOf(raw), seed, scale);
  return LlamaModel.fromArrays(config, new Map([...weights].map(([n, data]) => [n, { shape: shapes.get(n)!, data }])));
}
