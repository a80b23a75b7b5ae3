// The setup the Chromium suites share: the repo served by Vite, Chromium, and where a suite asks
// for them a stand-in hub (with the shared tiny model in a temporary folder) and a harness page,
// started once before the suite's tests and closed after them whatever failed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type LaunchedChromium } from './chromium';
import { startHubServer, type HubServer } from './hub-server';
import { writeTinyModelFolder } from './tiny-tokenizer';
import { startViteServer } from './vite-server';

type ViteServer = Awaited<ReturnType<typeof startViteServer>>;

export interface BrowserSuiteOptions {
  /** Launch Chromium with a WebGPU adapter (SwiftShader here). */
  webgpu: boolean;
  /**
   * The shared tiny model with the tiny tokenizer, written to `<dir>/model` and served by the hub
   * as `repo`, with `files` (name → text, made when the suite starts) beside its weights.
   */
  tinyModel?: { repo: string; files?: () => Record<string, string> };
  /** More repos the hub serves (repo id → folder); called when the suite starts. */
  hubRepos?: () => Record<string, string>;
  /** A page under the Vite server opened once started, ready when it defines `global` on window. */
  harness?: { path: string; global: string };
}

/** What a started suite holds; reading a part it did not start (or when skipped) throws. */
export interface BrowserSuite {
  readonly server: ViteServer;
  readonly browser: LaunchedChromium;
  readonly hub: HubServer;
  /** The temporary folder (tinyModel only), removed after the suite; the model is in `<dir>/model`. */
  readonly dir: string;
}

/** How long opening the harness page, and waiting for its global, may take. */
const HARNESS_TIMEOUT_MS = 60_000;

/**
 * Registers the suite's beforeAll and afterAll. `ready` is skipSuiteUnless's answer: when false,
 * nothing starts and the suite's tests skip.
 */
export function browserSuite(ready: boolean, options: BrowserSuiteOptions): BrowserSuite {
  let server: ViteServer | undefined;
  let browser: LaunchedChromium | undefined;
  let hub: HubServer | undefined;
  let dir: string | undefined;

  // Skipped suites start nothing (their tests skip through the runner, with the reason).
  beforeAll(async () => {
    if (ready) await start();
  });
  async function start() {
    const repos = options.hubRepos?.() ?? {};
    if (options.tinyModel) {
      dir = mkdtempSync(path.join(os.tmpdir(), 'distill-browser-'));
      const modelDir = path.join(dir, 'model');
      writeTinyModelFolder(modelDir, { withTokenizer: true });
      for (const [name, text] of Object.entries(options.tinyModel.files?.() ?? {})) writeFileSync(path.join(modelDir, name), text);
      repos[options.tinyModel.repo] = modelDir;
    }
    if (Object.keys(repos).length) hub = await startHubServer(repos);
    server = await startViteServer();
    browser = await launchChromium({ webgpu: options.webgpu });
    if (options.harness) {
      const { path: page, global } = options.harness;
      await browser.page.goto(`${server.url}/${page}`, { timeout: HARNESS_TIMEOUT_MS });
      await browser.page.waitForFunction((name) => typeof (window as unknown as Record<string, unknown>)[name] === 'object', global, { timeout: HARNESS_TIMEOUT_MS });
    }
  }
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), server?.close(), hub?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`browser suite: no ${what} (the suite did not start, or was not asked for one)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'Vite server');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    get hub() {
      return started(hub, 'stand-in hub');
    },
    get dir() {
      return started(dir, 'temporary folder');
    },
  };
}
