// wasm threads in headless Chromium, in the minified production build (tests/browser/backend.html
// built as users get it): a large and a small matmul at each thread count, each in a fresh page. Prints, asserts
// nothing; run by hand:
//
//   npx tsx bench/threads-browser.ts [--threads 1,2]
//
// The default counts are 1 and the browser's navigator.hardwareConcurrency (capped as
// BACKEND_DEFAULTS.threads caps it). Same sizes as bench/threads.ts.
import { launchChromium, withTimeout } from '../tests/helpers/chromium';
import { startPageBuildServer } from '../tests/helpers/vite-page-build';
import { THREADS_BENCH } from './threads';

async function main() {
  const i = process.argv.indexOf('--threads');
  const asked = i >= 0 ? process.argv[i + 1].split(',').map(Number) : undefined;
  if (asked?.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--threads takes counts such as 1,2; got ${process.argv[i + 1]}`);
  const server = await startPageBuildServer(['tests/browser/backend.html']);
  const browser = await launchChromium({ webgpu: false });
  try {
    const { page } = browser;
    const { n, warmup, runs } = THREADS_BENCH.matmul;
    const small = THREADS_BENCH.smallMatmul;
    console.log(`Chromium, production build; medians: matmul ${n}² (${runs} runs), matmul ${small.n}² (${small.runs} runs)`);
    for (const threads of asked ?? [1, undefined]) {
      await page.goto(`${server.url}/tests/browser/backend.html`);
      await page.waitForFunction(() => typeof window.runBackend === 'function');
      const r = await withTimeout(page.evaluate((t) => window.runBackend!('wasm', t), threads), 120_000, 'runBackend');
      const bench = (size: number, w: number, k: number) => withTimeout(page.evaluate(([a, b, c]) => window.benchMatmul!(a, b, c), [size, w, k] as const), 300_000, 'benchMatmul');
      const ms = await bench(n, warmup, runs);
      const smallMs = await bench(small.n, small.warmup, small.runs);
      console.log(`${r.info.summary}: matmul ${n}² ${ms.toFixed(1)} ms (${((2 * n ** 3) / (ms / 1000) / 1e9).toFixed(1)} GFLOP/s), ${small.n}² ${(smallMs * 1000).toFixed(0)} µs`);
    }
    if (browser.consoleErrors.length) console.log(`console errors: ${browser.consoleErrors.join('\n')}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
