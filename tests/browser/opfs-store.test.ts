// opfsStore in Debian chromium: the same FileStore contract as the Node stores, no temporary
// files left behind, whole-run removal, and a file that is still there after a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpfsContractResult } from './opfs-page';
import { chromiumRequirement, launchChromium, withTimeout, type LaunchedChromium } from '../helpers/chromium';
import { STORE_CONTRACT } from '../helpers/store-contract';
import { skipSuiteUnless } from '../helpers/shared';
import { startViteServer } from '../helpers/vite-server';

describe('opfsStore in chromium', () => {
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
    browser = await launchChromium({ webgpu: false });
  }
  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });

  async function open(reload = false) {
    const { page } = browser!;
    if (reload) await page.reload({ timeout: 60_000 });
    else await page.goto(`${server!.url}/tests/browser/opfs.html`, { timeout: 60_000 });
    await page.waitForFunction(() => typeof window.opfsTest === 'object', undefined, { timeout: 60_000 });
    return page;
  }

  it('keeps the FileStore contract and leaves no temporary files', { timeout: 120_000 }, async () => {
    const page = await open();
    const r: OpfsContractResult = await withTimeout(page.evaluate(() => window.opfsTest!.contract()), 60_000, 'contract');
    expect(r.available).toBe(true);
    expect(r.canMove).toBe(true); // Chromium has move(), so the writes above went through name.tmp
    expect(r.report).toEqual(STORE_CONTRACT);
    expect(r.rawEntries).toEqual(['b.bin', 'big.bin', 'c.json']);
    expect(r.listWithSubfolder).toEqual(['b.bin', 'big.bin', 'c.json']);
    expect(r.afterRemovePath).toEqual({ runsEntries: [], list: [] });
    expect(browser!.consoleErrors).toEqual([]);
  });

  it('reads back after a reload what was written before it', { timeout: 120_000 }, async () => {
    const text = JSON.stringify({ step: 42, at: Date.now() });
    let page = await open();
    await withTimeout(page.evaluate((t) => window.opfsTest!.writePersistent(t), text), 30_000, 'writePersistent');
    page = await open(true);
    const back = await withTimeout(page.evaluate(() => window.opfsTest!.readPersistent()), 30_000, 'readPersistent');
    expect(back).toEqual({ list: ['state.json'], text });
    expect(browser!.consoleErrors).toEqual([]);
  });
});
