// Starts Vite's dev server in-process (the repo's vite.config.ts, so the COOP/COEP headers apply)
// for browser tests that load HTML pages under tests/browser/.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, mergeConfig, preview, type InlineConfig } from 'vite';
import { SHARED_DIR } from './shared';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `overrides` are merged over the repo config (arrays concatenate); keep them for stopgaps only. */
export async function startViteServer(overrides: InlineConfig = {}): Promise<{ url: string; close(): Promise<void> }> {
  // A private dependency cache: servers started at once (parallel test files, other checkouts'
  // configs) would otherwise re-optimise node_modules/.vite under each other's feet.
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'distill-vite-'));
  const base: InlineConfig = {
    root: REPO_ROOT,
    cacheDir,
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    // The test pages import what the app's entries do not; let the dependency scan see them.
    optimizeDeps: { entries: ['tests/browser/*.html'] },
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: 0, // any free port
      strictPort: false,
      open: false,
      hmr: false,
      watch: null, // no file watching: tests don't edit sources
      fs: { allow: [REPO_ROOT, SHARED_DIR] },
    },
  };
  const server = await createServer(mergeConfig(base, overrides));
  const close = async () => {
    try {
      await server.close();
    } finally {
      // The dependency optimizer may still be writing its temp folder when a short test closes the
      // server (ENOTEMPTY, seen once in CI): retry while it finishes. A temporary folder left
      // behind must not fail the test that used it.
      try {
        rmSync(cacheDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
      } catch (e) {
        console.warn(`could not remove vite's cache ${cacheDir}: ${(e as Error).message}`);
      }
    }
  };
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('vite dev server has no TCP address');
    return { url: `http://127.0.0.1:${address.port}`, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Builds the app (the repo config, service worker included) into a temporary folder and serves
 * it with `vite preview`, COOP/COEP headers and all: what a user of the production build gets.
 */
export async function startPreviewServer(): Promise<{ url: string; close(): Promise<void> }> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'distill-dist-'));
  const config: InlineConfig = {
    root: REPO_ROOT,
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    build: { outDir, emptyOutDir: true },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  };
  return buildAndPreview(config, outDir);
}

/** Builds `config` into `outDir` and serves it with `vite preview`; closing removes `outDir`. */
export async function buildAndPreview(config: InlineConfig, outDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const removeDir = () => rmSync(outDir, { recursive: true, force: true });
  try {
    await build(config);
    const server = await preview(config);
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('vite preview server has no TCP address');
    return {
      url: `http://127.0.0.1:${address.port}`,
      async close() {
        try {
          await server.close();
        } finally {
          removeDir();
        }
      },
    };
  } catch (e) {
    removeDir();
    throw e;
  }
}
