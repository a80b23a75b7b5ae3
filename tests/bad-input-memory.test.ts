// A training run the backend cannot hold stops before it allocates, with the estimate, the capacity
// and the changes that would fit. Measured on wasm in Node (npm run bench): LoRA (default dropout
// 0.05) on a SmolLM2-135M-shaped model at batch 4 × 256 trains with the heap at 3.6 of its 4 GB; a
// batch of 6 would not fit. The config alone is enough to estimate; no model is allocated here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BACKEND_LIMITS, backendCapacity, type BackendCapacity } from '../models/backend';
import { parseConfig } from '../models/config';
import { LORA_DEFAULTS, type LoraConfig } from '../models/lora';
import { trainConfig } from '../src/lib/train/config';
import { checkTrainingFits, TrainingMemoryError } from '../src/lib/train/memory';
import { tinyConfig } from './helpers/random-model';
import { useBackend } from './helpers/tf';
import { SMOLLM2_135M_SHAPE } from '../bench/configs';

// The bench's SmolLM2-135M shape: the measured case the guard is calibrated on.
const SMOLLM2_135M = SMOLLM2_135M_SHAPE;

const LORA_NO_DROPOUT: LoraConfig = { ...LORA_DEFAULTS, dropout: 0 };

function refusal(run: () => unknown): TrainingMemoryError {
  try {
    run();
  } catch (e) {
    if (e instanceof TrainingMemoryError) return e;
    throw e;
  }
  throw new Error('expected a TrainingMemoryError');
}

describe('backend capacity', () => {
  it('wasm: the heap maximum of the installed tfjs-backend-wasm build', async () => {
    const glue = readFileSync(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js'), 'utf8');
    expect(glue).toContain(`function getHeapMax() { return ${BACKEND_LIMITS.wasmHeapBytes}; }`);
    await useBackend('wasm');
    expect(await backendCapacity()).toEqual({ backend: 'wasm', totalBytes: 4294901760, maxTensorBytes: null, source: 'the wasm heap grows to at most 4.0 GB' });
  });

  it('cpu: free system memory plus what tensors hold', async () => {
    await useBackend('cpu');
    const capacity = await backendCapacity();
    expect(capacity.totalBytes).toBeGreaterThan(0);
    expect(capacity.source).toMatch(/^os\.freemem\(\): .* free of .*, plus .* that tensors hold now$/);
  });
});

describe('checkTrainingFits', () => {
  const wasm: BackendCapacity = { backend: 'wasm', totalBytes: BACKEND_LIMITS.wasmHeapBytes, maxTensorBytes: null, source: 'the wasm heap grows to at most 4.0 GB' };

  it('accepts LoRA on SmolLM2-135M at batch 4 × 256 on wasm, and refuses a batch of 6, with the estimate, the capacity and what would fit', () => {
    const fits = checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'lora', batchSize: 4, maxLength: 256 }), 256, wasm);
    expect(fits.totalBytes).toBeGreaterThan(2e9);
    const error = refusal(() => checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'lora', batchSize: 6, maxLength: 256 }), 256, wasm));
    expect(error.message).toBe(
      'Training needs about 2.6 GB (training memory estimate: 2.6 GB = weights 513.1 MB + gradients and AdamW 14.1 MB (921,600 trainable) + ' +
        'activations 1.9 GB + loss chunk 252.0 MB), more than the wasm backend can hold: about 2.1 GB of estimate (the wasm heap grows to at most ' +
        '4.0 GB, and a wasm training step takes about 1.9× its estimate). Stopped before allocating. Change the configuration: ' +
        'batch size 1 (with gradient accumulation 6 for the same effective batch) would need 1.1 GB (fits); max length 128 would need 1.7 GB (fits); ' +
        'gradient checkpointing would need 960.3 MB (fits).',
    );
    expect(error.estimate.totalBytes).toBeGreaterThan(fits.totalBytes);
  });

  it('refuses a batch of 6 without LoRA dropout too, which keeps one activation less per adapted module', () => {
    const error = refusal(() => checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'lora', lora: LORA_NO_DROPOUT, batchSize: 6, maxLength: 256 }), 256, wasm));
    expect(error.message).toMatch(/^Training needs about 2\.2 GB \(training memory estimate: 2\.2 GB = .* \+ activations 1\.5 GB/);
    expect(error.message).toContain('batch size 1 (with gradient accumulation 6 for the same effective batch) would need 1.0 GB (fits)');
  });

  it('offers the changes together when none fits alone, and LoRA for full fine-tuning', () => {
    const error = refusal(() => checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'full', batchSize: 8, maxLength: 512 }), 512, wasm));
    expect(error.message).toContain('LoRA instead of full fine-tuning would need 5.7 GB; all of these together would need 678.9 MB (fits).');
  });

  it('accepts a run that fits, and returns its estimate', () => {
    const tiny = parseConfig(tinyConfig('llama'));
    expect(checkTrainingFits(tiny, trainConfig({ batchSize: 8, maxLength: 128 }), 128, wasm).totalBytes).toBeLessThan(100 * 2 ** 20);
    expect(checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'lora', batchSize: 1, maxLength: 128 }), 128, wasm).rows).toBe(1);
  });

  it('checks the largest single tensor against a per-buffer limit (WebGPU), and says which tensor', () => {
    const gpu: BackendCapacity = { backend: 'webgpu', totalBytes: null, maxTensorBytes: 128 * 2 ** 20, source: 'maxBufferSize 128.0 MB' };
    const error = refusal(() => checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'lora', batchSize: 4, maxLength: 256, lossChunkRows: 1024 }), 256, gpu));
    expect(error.message).toBe(
      'Training needs 192.0 MB in one tensor, a loss chunk of logits (1024 × 49152), more than the webgpu backend allows for one tensor: ' +
        '128.0 MB (maxBufferSize 128.0 MB). Stopped before allocating. Change the configuration: loss chunk rows 682 would need 127.9 MB (fits); ' +
        'batch size 1 (with gradient accumulation 4 for the same effective batch) would need 108.0 MB (fits); max length 128 would need 108.0 MB (fits).',
    );
  });

  it('an embedding matrix over the per-buffer limit has no fix but another model or backend', () => {
    const gpu: BackendCapacity = { backend: 'webgpu', totalBytes: null, maxTensorBytes: 64 * 2 ** 20, source: 'maxBufferSize 64.0 MB' };
    const error = refusal(() => checkTrainingFits(SMOLLM2_135M, trainConfig({ mode: 'lora', batchSize: 1, maxLength: 64, lossChunkRows: 64 }), 64, gpu));
    expect(error.message).toBe(
      'Training needs 108.0 MB in one tensor, the embedding matrix (49152 × 576), more than the webgpu backend allows for one tensor: 64.0 MB ' +
        '(maxBufferSize 64.0 MB). Stopped before allocating. No batch or length makes it fit: use a smaller model or another backend.',
    );
  });
});
