// The shared reference fixture in headless Chromium: loaded from a hub-layout server (then from
// the browser's Cache API), it must reproduce the recorded logits and greedy ids on WebGPU
// (SwiftShader) and on the wasm fallback.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../../models/backend';
import type { ModelPageResult } from './model-page';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, withTimeout } from '../helpers/chromium';
import { sharedPath, sharedRequirement, skipSuiteUnless } from '../helpers/shared';
import { maxAbsDiff } from '../helpers/tf';

const FIXTURE = ['fixtures', 'tiny-llama-ref'];

describe('tiny-llama-ref in chromium', () => {
  // Without chromium or the shared material every test skips with the reason (or fails under
  // CI / REQUIRE_BROWSER=1 / REQUIRE_SHARED=1); the setup below is then left out.
  const ready = skipSuiteUnless(chromiumRequirement(), sharedRequirement(...FIXTURE));
  const suite = browserSuite(ready, { webgpu: true, hubRepos: () => ({ 'test/tiny-llama-ref': sharedPath(...FIXTURE) }) });
  const golden = ready ? JSON.parse(readFileSync(sharedPath(...FIXTURE, 'golden.json'), 'utf8')) : null;

  async function run(backend: BackendName): Promise<ModelPageResult> {
    const { page } = suite.browser;
    await page.goto(`${suite.server.url}/tests/browser/model.html`, { timeout: 60_000 });
    await page.waitForFunction(() => typeof window.runModel === 'function', undefined, { timeout: 60_000 });
    const ids = [...golden.prompt_ids, ...golden.greedy_continuation_ids].slice(0, Math.max(...golden.logits.positions) + 1);
    const request = {
      backend,
      repo: 'test/tiny-llama-ref',
      endpoint: suite.hub.url,
      ids,
      promptIds: golden.prompt_ids,
      maxNewTokens: golden.greedy_continuation_ids.length,
    };
    return withTimeout(page.evaluate((r) => window.runModel!(r), request), 240_000, `runModel(${backend})`);
  }

  function expectGolden(r: ModelPageResult) {
    const diffs = golden.logits.positions.map((p: number, i: number) => maxAbsDiff(r.logits[p], golden.logits.values[i]));
    console.log(`${r.backend}: largest logit difference ${Math.max(...diffs).toExponential(2)}`);
    diffs.forEach((d: number, i: number) => expect(d, `position ${golden.logits.positions[i]}`).toBeLessThan(1e-3));
    expect(r.greedy).toEqual(golden.greedy_continuation_ids);
  }

  it('matches on webgpu (SwiftShader), downloading through the hub layout', { timeout: 300_000 }, async () => {
    const r = await run('webgpu');
    console.log(r.summary);
    expect(r.backend).toBe('webgpu');
    expect(r.cachedFiles).toEqual([]);
    expectGolden(r);
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('matches on wasm, with the weights served from the Cache API', { timeout: 300_000 }, async () => {
    const requestsBefore = suite.hub.requests.length;
    const r = await run('wasm');
    expect(r.backend).toBe('wasm');
    expect(r.cachedFiles).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
    // Only the files that were absent (404s are not cached) go back to the network.
    expect(suite.hub.requests.slice(requestsBefore).filter((p) => p.endsWith('model.safetensors'))).toEqual([]);
    expectGolden(r);
    expect(suite.browser.consoleErrors).toEqual([]);
  });
});
