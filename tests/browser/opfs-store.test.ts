// opfsStore in Debian chromium: the same FileStore contract as the Node stores, no temporary
// files left behind, whole-run removal, and a file that is still there after a reload.
import { describe, expect, it } from 'vitest';
import type { OpfsContractResult } from './opfs-page';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement, withTimeout } from '../helpers/chromium';
import { STORE_CONTRACT } from '../helpers/store-contract';
import { skipSuiteUnless } from '../helpers/shared';

describe('opfsStore in chromium', () => {
  // Without chromium every test skips with the reason (or fails under CI / REQUIRE_BROWSER=1 /
  // REQUIRE_SHARED=1); the setup below is then left out.
  const ready = skipSuiteUnless(chromiumRequirement());
  const suite = browserSuite(ready, { webgpu: false });

  async function open(reload = false) {
    const { page } = suite.browser;
    if (reload) await page.reload({ timeout: 60_000 });
    else await page.goto(`${suite.server.url}/tests/browser/opfs.html`, { timeout: 60_000 });
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
    expect(suite.browser.consoleErrors).toEqual([]);
  });

  it('reads back after a reload what was written before it', { timeout: 120_000 }, async () => {
    const text = JSON.stringify({ step: 42, at: Date.now() });
    let page = await open();
    await withTimeout(page.evaluate((t) => window.opfsTest!.writePersistent(t), text), 30_000, 'writePersistent');
    page = await open(true);
    const back = await withTimeout(page.evaluate(() => window.opfsTest!.readPersistent()), 30_000, 'readPersistent');
    expect(back).toEqual({ list: ['state.json'], text });
    expect(suite.browser.consoleErrors).toEqual([]);
  });
});
