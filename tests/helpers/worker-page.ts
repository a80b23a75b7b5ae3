// What a worker-level browser test starts: the shared tiny model (with the tiny tokenizer) behind a
// stand-in hub, the Vite dev server, and Debian's chromium on one of tests/browser/*.html, waiting
// until the page has set up its window.<name> hooks.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, type LaunchedChromium } from './chromium';
import { startHubServer, type HubServer } from './hub-server';
import { writeTinyModelFolder } from './tiny-tokenizer';
import { startViteServer } from './vite-server';

export interface WorkerPage {
  /** A temporary folder; the model is in dir/model. */
  dir: string;
  hub: HubServer;
  browser: LaunchedChromium;
  close(): Promise<void>;
}

export async function openWorkerPage(page: string, hook: string, repo: string): Promise<WorkerPage> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `distill-${page}-`));
  writeTinyModelFolder(path.join(dir, 'model'), { withTokenizer: true });
  const hub = await startHubServer({ [repo]: path.join(dir, 'model') });
  const server = await startViteServer();
  const browser = await launchChromium({ webgpu: false });
  await browser.page.goto(`${server.url}/tests/browser/${page}.html`, { timeout: 60_000 });
  await browser.page.waitForFunction((name) => typeof (window as unknown as Record<string, unknown>)[name] === 'object', hook, { timeout: 60_000 });
  return {
    dir,
    hub,
    browser,
    async close() {
      await Promise.allSettled([browser.close(), server.close(), hub.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
