// Training and generation on WebGL in Debian chromium without GPU flags (WebGL then runs on
// SwiftShader, as the page's automatic choice did when its demo ran out of GPU memory and a shader
// failed to compile), and training on wasm through its attention kernel: a tiny random model trains
// and generates in the page, tf.memory() is read after every step and every generation and must not
// grow, and the results must match the cpu backend's (plain JavaScript, the reference the other
// backends are held to).
import { describe, expect, it } from 'vitest';
import type { GenerateMemoryRun, MemorySnapshot, TrainMemoryRun } from './memory-page';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, withTimeout } from '../helpers/chromium';
import { skipSuiteUnless } from '../helpers/shared';

const STEPS = 8;

const show = (m: MemorySnapshot) => `${m.numTensors} tensors, ${m.numBytes} B${m.numBytesInGPU === undefined ? '' : `, ${m.numBytesInGPU} B on the GPU`}`;

describe('webgl training and generation in chromium', () => {
  const ready = skipSuiteUnless(chromiumRequirement());
  const suite = browserSuite(ready, { webgpu: false, harness: { path: 'tests/browser/memory.html', global: 'memoryTest' } });

  const train = (r: TrainMemoryRun) => withTimeout(suite.browser.page.evaluate((x) => window.memoryTest!.train(x), r), 150_000, `train on ${r.backend}`);
  // The cpu backend's run of a config, the reference each backend's losses are held to: made once
  // for the webgl and the wasm tests of full fine-tuning alike.
  const cpuRuns = new Map<string, ReturnType<typeof train>>();
  const cpuReference = (config: TrainMemoryRun['config'] = {}) => {
    const key = JSON.stringify(config);
    if (!cpuRuns.has(key)) cpuRuns.set(key, train({ backend: 'cpu', steps: STEPS, config }));
    return cpuRuns.get(key)!;
  };
  const generate = (r: GenerateMemoryRun) => withTimeout(suite.browser.page.evaluate((x) => window.memoryTest!.generate(x), r), 120_000, `generate on ${r.backend}`);

  it.each([
    ['full', {}],
    ['LoRA', { mode: 'lora' as const, lora: { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj' as const, 'v_proj' as const, 'down_proj' as const] } }],
  ])('%s fine-tuning on webgl: memory flat from step to step, and the losses of cpu', { timeout: 300_000 }, async (_name, config) => {
    const cpu = await cpuReference(config);
    const webgl = await train({ backend: 'webgl', steps: STEPS, config });
    console.log(`${_name} on ${webgl.backend.summary}: ${webgl.perStep.map(show).join(' | ')}; losses ${webgl.losses.map((l) => l.toFixed(4)).join(' ')}`);
    expect(webgl.backend.name).toBe('webgl');
    expect(webgl.perStep).toHaveLength(STEPS);
    expect(webgl.perStep[0].numBytesInGPU).toBeGreaterThan(0);
    // Every step pads its batch to its own length (16–48 tokens): new shapes each step.
    for (const m of webgl.perStep) expect(m).toEqual(webgl.perStep[0]);
    expect(webgl.after).toEqual(webgl.before);
    for (const m of cpu.perStep) expect(m).toEqual(cpu.perStep[0]);
    webgl.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]), `step ${i + 1}`).toBeLessThan(1e-4));
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  // The default padding-free layout runs attention in models/kernels/attention.wat on wasm: here in
  // Chromium's engine, as tests/attention-kernel.test.ts checks it in Node's.
  it('padding-free fine-tuning on wasm (the attention kernel): memory flat from step to step, and the losses of cpu', { timeout: 200_000 }, async () => {
    const cpu = await cpuReference();
    const wasm = await train({ backend: 'wasm', steps: STEPS });
    console.log(`full on ${wasm.backend.summary}: ${wasm.perStep.map(show).join(' | ')}; losses ${wasm.losses.map((l) => l.toFixed(4)).join(' ')}`);
    expect(wasm.backend.name).toBe('wasm');
    for (const m of wasm.perStep) expect(m).toEqual(wasm.perStep[0]);
    expect(wasm.after).toEqual(wasm.before);
    wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]), `step ${i + 1}`).toBeLessThan(1e-4));
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('generation on webgl: memory flat from call to call, and the greedy ids of cpu', { timeout: 240_000 }, async () => {
    const calls = [[[1, 5, 9, 14, 3]], [[1, 7], [1, 8, 30, 41, 50, 61, 72]], [[1, 9, 9, 9], [1, 2, 3]], [[1, 5, 9, 14, 3]]];
    const run: Omit<GenerateMemoryRun, 'backend'> = { calls, maxNewTokens: 8 };
    const cpu = await generate({ ...run, backend: 'cpu' });
    const webgl = await generate({ ...run, backend: 'webgl' });
    console.log(`generation on ${webgl.backend.summary}: ${webgl.perCall.map(show).join(' | ')}`);
    expect(webgl.backend.name).toBe('webgl');
    expect(webgl.ids).toEqual(cpu.ids);
    expect(webgl.ids.flat().every((ids) => ids.length === 8)).toBe(true);
    for (const m of webgl.perCall) expect(m).toEqual(webgl.perCall[0]);
    expect(webgl.after).toEqual(webgl.before);
    expect(suite.browser.consoleErrors).toEqual([]);
  });
});
