// End-to-end: models/backend.ts in Debian chromium, served by Vite with the repo's config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../models/backend';
import type { BackendPageResult } from './backend-page';
import { chromiumRequirement, launchChromium, withTimeout, type LaunchedChromium } from '../helpers/chromium';
import { skipSuiteUnless } from '../helpers/shared';
import { startViteServer } from '../helpers/vite-server';

describe('backend in chromium', () => {
  // Without chromium every test skips with the reason (or fails under CI / REQUIRE_BROWSER=1 /
  // REQUIRE_SHARED=1); the setup below is then left out.
  const ready = skipSuiteUnless(chromiumRequirement());
  let server: Awaited<ReturnType<typeof startViteServer>> | undefined;
  let browser: LaunchedChromium | undefined;

  beforeAll(async () => {
    if (ready) await start();
  });
  async function start() {
    server = await startViteServer();
    browser = await launchChromium({ webgpu: true });
  }

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });

  /** Loads the page fresh (so each backend starts from a clean tfjs) and runs initBackend there. */
  async function run(preferred?: BackendName): Promise<BackendPageResult & { wasmFetched: string[] }> {
    const { page } = browser!;
    const wasmFetched: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().endsWith('.wasm')) wasmFetched.push(new URL(r.url()).pathname);
    };
    page.on('request', onRequest);
    let result: BackendPageResult;
    try {
      await page.goto(`${server!.url}/tests/browser/backend.html`, { timeout: 60_000 });
      await page.waitForFunction(() => typeof window.runBackend === 'function', undefined, { timeout: 60_000 });
      result = await withTimeout(page.evaluate((p) => window.runBackend!(p), preferred), 60_000, `runBackend(${preferred ?? ''})`);
    } finally {
      page.off('request', onRequest);
    }
    console.log(`${result.info.summary}; init ${result.initMs.toFixed(0)} ms, matmul ${result.matmulMs.toFixed(0)} ms`);
    return { ...result, wasmFetched };
  }

  it('picks webgpu on the SwiftShader adapter and computes a matmul', { timeout: 150_000 }, async () => {
    const r = await run();
    expect(r.info.tried).toEqual([{ name: 'webgpu' }]);
    expect(r.info.name).toBe('webgpu');
    expect(r.tfBackend).toBe('webgpu');
    expect(r.info.adapter?.isSoftware).toBe(true);
    expect(r.info.summary).toMatch(/^backend: webgpu \(.*software adapter/);
    expect(r.matmulMaxError).toBeLessThan(1e-3);
    expect(r.crossOriginIsolated).toBe(true);
    expect(browser!.consoleErrors).toEqual([]);
  });

  it('starts wasm from the Vite-served binaries and computes a matmul', { timeout: 150_000 }, async () => {
    const r = await run('wasm');
    expect(r.info.name).toBe('wasm');
    expect(r.tfBackend).toBe('wasm');
    expect(r.info.wasmThreads).toBeGreaterThanOrEqual(1);
    // The single-threaded SIMD build (threads are off: see models/backend.ts), at its Vite URL.
    expect(r.wasmFetched).toEqual(['/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm']);
    expect(r.matmulMaxError).toBeLessThan(1e-4);
    expect(r.crossOriginIsolated).toBe(true);
    expect(browser!.consoleErrors).toEqual([]);
  });
});
