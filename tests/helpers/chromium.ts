// Launches the system (Debian) chromium through playwright-core for end-to-end tests.
// Never downloads a browser: without /usr/bin/chromium the tests skip (or fail under CI).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
// Tried on Chromium 156 without a GPU: --enable-unsafe-webgpu alone is what yields a WebGPU adapter
// (SwiftShader via Vulkan, a fallback adapter); --use-webgpu-adapter=swiftshader and
// --enable-features=Vulkan change nothing. --enable-unsafe-swiftshader lets WebGL/WebGPU use
// SwiftShader in Chromium builds that otherwise refuse it.
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];

export interface LaunchedChromium {
  context: BrowserContext;
  page: Page;
  /** console.error messages and uncaught page errors, in order. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** False (with a SKIP line) when chromium is missing; throws instead when REQUIRE_SHARED=1 or CI is set. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env.REQUIRE_SHARED === '1' || process.env.CI) throw new Error(`${message}; required under CI/REQUIRE_SHARED=1`);
  console.warn(`SKIP: ${message}`);
  return false;
}

/** `webgpu` (default true) adds the flags that give headless Chromium a WebGPU adapter. */
export async function launchChromium(opts: { webgpu?: boolean } = {}): Promise<LaunchedChromium> {
  // Playwright refuses --user-data-dir in args; a persistent context takes the directory instead.
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-chromium-'));
  const removeDir = () => rmSync(userDataDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: [...BASE_ARGS, ...(opts.webgpu === false ? [] : WEBGPU_ARGS)],
      timeout: 60_000,
    });
  } catch (e) {
    removeDir();
    throw e;
  }
  context.setDefaultTimeout(60_000);
  const consoleErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.stack ?? e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    consoleErrors,
    async close() {
      try {
        await context.close();
      } finally {
        removeDir();
      }
    },
  };
}

/** page.evaluate has no timeout of its own; a wedged GPU process must fail the test, not hang it. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
