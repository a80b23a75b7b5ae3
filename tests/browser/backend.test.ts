// End-to-end: models/backend.ts in Debian chromium, served by Vite with the repo's config.
import { describe, expect, it } from 'vitest';
import { BACKEND_LIMITS, type BackendName } from '../../models/backend';
import type { BackendPageResult } from './backend-page';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, launchChromium, withTimeout, type LaunchedChromium } from '../helpers/chromium';
import { skipSuiteUnless } from '../helpers/shared';
import { startPageBuildServer } from '../helpers/vite-page-build';

describe('backend in chromium', () => {
  // Without chromium every test skips with the reason (or fails under CI / REQUIRE_BROWSER=1 /
  // REQUIRE_SHARED=1); the setup below is then left out.
  const ready = skipSuiteUnless(chromiumRequirement());
  const suite = browserSuite(ready, { webgpu: true });

  /** Loads the page fresh (so each backend starts from a clean tfjs) and runs initBackend there. */
  async function run(
    on: { browser: LaunchedChromium; url: string },
    preferred?: BackendName,
    threads?: number,
  ): Promise<BackendPageResult & { fetched: string[] }> {
    const { page } = on.browser;
    const fetched: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (/\.wasm$|tfjs-backend-wasm-threaded-simd.*\.js$/.test(r.url())) fetched.push(new URL(r.url()).pathname);
    };
    page.on('request', onRequest);
    let result: BackendPageResult;
    try {
      await page.goto(`${on.url}/tests/browser/backend.html`, { timeout: 60_000 });
      await page.waitForFunction(() => typeof window.runBackend === 'function', undefined, { timeout: 60_000 });
      result = await withTimeout(page.evaluate(([p, t]) => window.runBackend!(p, t), [preferred, threads] as const), 60_000, `runBackend(${preferred ?? ''})`);
    } finally {
      page.off('request', onRequest);
    }
    console.log(`${result.info.summary}; init ${result.initMs.toFixed(0)} ms, matmul ${result.matmulMs.toFixed(0)} ms`);
    return { ...result, fetched };
  }

  const WASM_DIST = '/node_modules/@tensorflow/tfjs-backend-wasm/dist';

  it('auto picks wasm with every core over the SwiftShader WebGPU adapter, and says why', { timeout: 150_000 }, async () => {
    const r = await run({ browser: suite.browser, url: suite.server.url });
    expect(r.info.name).toBe('wasm');
    expect(r.tfBackend).toBe('wasm');
    expect(r.info.tried).toEqual([{ name: 'wasm' }]);
    expect(r.info.reason).toMatch(/the WebGPU adapter is .*swiftshader.*, a software renderer, slower than wasm here/i);
    expect(r.info.wasmThreads).toBe(Math.min(r.hardwareConcurrency, BACKEND_LIMITS.wasmMaxThreads));
    expect(r.info.summary).toMatch(/^backend: wasm \(\d+ threads?\): the WebGPU adapter is/);
    // The threaded build, its pthread workers loading the package's own loader.
    expect(r.fetched.filter((f) => f.endsWith('.wasm'))).toEqual([`${WASM_DIST}/tfjs-backend-wasm-threaded-simd.wasm`]);
    expect(r.fetched).toContain('/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
    expect(r.matmulMaxError).toBeLessThan(1e-4);
    expect(r.crossOriginIsolated).toBe(true);
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('starts webgpu on request, with the adapter\'s buffer limits on its device', { timeout: 150_000 }, async () => {
    const r = await run({ browser: suite.browser, url: suite.server.url }, 'webgpu');
    expect(r.info.tried).toEqual([{ name: 'webgpu' }]);
    expect(r.tfBackend).toBe('webgpu');
    expect(r.info.adapter?.isSoftware).toBe(true);
    expect(r.info.summary).toMatch(/^backend: webgpu \(.*software adapter\)$/);
    console.log(`WebGPU limits: adapter ${JSON.stringify(r.gpuLimits!.adapter)}, device ${JSON.stringify(r.gpuLimits!.device)}`);
    expect(r.gpuLimits!.device).toEqual(r.gpuLimits!.adapter);
    expect(r.matmulMaxError).toBeLessThan(1e-3);
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('starts wasm with one thread on request: the single-threaded SIMD build', { timeout: 150_000 }, async () => {
    const r = await run({ browser: suite.browser, url: suite.server.url }, 'wasm', 1);
    expect(r.info.name).toBe('wasm');
    expect(r.info.wasmThreads).toBe(1);
    expect(r.info.summary).toBe('backend: wasm (1 thread)');
    expect(r.fetched).toEqual([`${WASM_DIST}/tfjs-backend-wasm-simd.wasm`]);
    expect(r.matmulMaxError).toBeLessThan(1e-4);
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('auto picks wasm without the WebGPU flags, and says there is no adapter', { timeout: 150_000 }, async () => {
    const plain = await launchChromium({ webgpu: false });
    try {
      const r = await run({ browser: plain, url: suite.server.url });
      expect(r.info.name).toBe('wasm');
      expect(r.info.tried).toEqual([{ name: 'wasm' }]);
      expect(r.info.reason).toMatch(/no WebGPU \(.*no WebGPU adapter/);
      expect(r.matmulMaxError).toBeLessThan(1e-4);
      expect(plain.consoleErrors).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('the page takes ?threads=, and says what it runs and why', { timeout: 150_000 }, async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.server.url}/?threads=1`, { timeout: 60_000 });
    await page.getByTestId('backend-details').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('backend-name').innerText()).toBe('wasm');
    expect(await page.getByTestId('backend-details').innerText()).toBe('(1 thread)');
    expect(await page.getByTestId('backend-reason').innerText()).toMatch(/^Chosen automatically: the WebGPU adapter is .*swiftshader.*, a software renderer, slower than wasm here/i);
    expect(await page.getByLabel('Threads').inputValue()).toBe('1');
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('runs wasm threads in the minified production build', { timeout: 400_000 }, async () => {
    const built = await startPageBuildServer(['tests/browser/backend.html']);
    try {
      const r = await run({ browser: suite.browser, url: built.url }, 'wasm', 2);
      expect(r.info.wasmThreads).toBe(2);
      expect(r.info.summary).toBe('backend: wasm (2 threads)');
      expect(r.fetched.some((f) => /\/tfjs-backend-wasm-threaded-simd.*\.js$/.test(f))).toBe(true);
      expect(r.matmulMaxError).toBeLessThan(1e-4);
      expect(suite.browser.consoleErrors).toEqual([]);
    } finally {
      await built.close();
    }
  });
});
