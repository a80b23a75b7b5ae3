// Launches the system (Debian) chromium through playwright-core for end-to-end tests.
// Never downloads a browser. Chromium is a system package, not a devDependency: without
// /usr/bin/chromium the browser tests skip through the runner with the reason, except where the
// browser is required (CI=true, REQUIRE_BROWSER=1, or REQUIRE_SHARED=1 as .ci/run sets), where its
// absence fails them. playwright-core itself is a devDependency and is imported normally.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Requirement } from './shared';

/** Debian's chromium; DISTILL_CHROMIUM points elsewhere (a nonexistent path shows the skip or the failure). */
export const CHROMIUM_PATH = process.env.DISTILL_CHROMIUM || '/usr/bin/chromium';

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

/** The switch that makes a missing chromium a failure, or '' where it may skip. */
export function browserRequiredBy(env: NodeJS.ProcessEnv = process.env): string {
  const ci = (env.CI ?? '').trim().toLowerCase();
  if (ci !== '' && ci !== '0' && ci !== 'false') return `CI=${env.CI}`;
  if (env.REQUIRE_BROWSER === '1') return 'REQUIRE_BROWSER=1';
  if (env.REQUIRE_SHARED === '1') return 'REQUIRE_SHARED=1';
  return '';
}

/** Whether the system chromium is there; for `skipUnless` / `skipSuiteUnless` (never throws). */
export function chromiumRequirement(): Requirement {
  const available = existsSync(CHROMIUM_PATH);
  const requiredBy = browserRequiredBy();
  return {
    available,
    reason: available ? '' : `chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`,
    required: requiredBy !== '',
    requiredBy,
  };
}

/**
 * Older form, for describe.skipIf: false (with a SKIP line) when chromium is missing; throws
 * instead where it is required. Prefer `skipSuiteUnless(chromiumRequirement(), …)`, whose skip
 * note carries the reason.
 */
export function chromiumAvailable(): boolean {
  const need = chromiumRequirement();
  if (need.available) return true;
  if (need.required) throw new Error(`${need.reason}; ${need.requiredBy} makes this a failure`);
  console.warn(`SKIP: ${need.reason}`);
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
