// A production build (minified, as users get it) of test pages under tests/browser/, served by
// `vite preview` with the repo config's COOP/COEP headers: for what only breaks once minified.
// The app's service worker is left out: the pages do not use it, and its build expects the app.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFromFile, type InlineConfig, type PluginOption } from 'vite';
import { buildAndPreview, REPO_ROOT } from './vite-server';

const isPwaPlugin = (p: PluginOption) => typeof p === 'object' && p !== null && 'name' in p && p.name.startsWith('vite-plugin-pwa');

/** `pages`: HTML files relative to the repo root, e.g. tests/browser/backend.html; served at the same paths. */
export async function startPageBuildServer(pages: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, path.join(REPO_ROOT, 'vite.config.ts'));
  if (!loaded) throw new Error('vite.config.ts not found');
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'distill-pages-'));
  const repo = loaded.config;
  const config: InlineConfig = {
    ...repo,
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'error',
    clearScreen: false,
    plugins: (repo.plugins ?? []).flat(Infinity as 1).filter((p) => !isPwaPlugin(p)),
    build: { ...repo.build, outDir, emptyOutDir: true, rollupOptions: { input: pages.map((p) => path.join(REPO_ROOT, p)) } },
    preview: { ...repo.preview, host: '127.0.0.1', port: 0, strictPort: false, open: false },
  };
  return buildAndPreview(config, outDir);
}
