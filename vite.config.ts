import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets the wasm backend use SharedArrayBuffer (threads) and gives
// precise timers; every server we run (dev, preview, tests) sends these headers.
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The largest file the service worker precaches: the worker bundles (~2 MB) and the default model fit. */
const PRECACHE_MAX_BYTES = 16 * 1024 * 1024;

export default defineConfig({
  plugins: [
    svelte(),
    // Offline use: src/sw.ts precaches the build and public/ (the bundled model). onnxruntime-web's
    // 26 MB wasm is left out: it is only fetched when an ONNX model runs, which needs the network anyway.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: {
        name: 'Distill Lab',
        short_name: 'Distill Lab',
        description: 'Fine-tune small language models on reasoning-model answers, in the browser.',
        theme_color: '#2457c5',
        background_color: '#f4f6f9',
        display: 'standalone',
        icons: [],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,wasm,json,safetensors,webmanifest}'],
        globIgnores: ['**/ort-wasm*', '**/checksums.json'],
        maximumFileSizeToCacheInBytes: PRECACHE_MAX_BYTES,
      },
    }),
  ],
  server: { headers: crossOriginIsolationHeaders },
  preview: { headers: crossOriginIsolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: {
    // The wasm backend loads its .wasm files by URL, so it is not pre-bundled; its tfjs-core
    // import must be, or tfjs-core's CommonJS dependency (long) breaks in the page.
    exclude: ['@tensorflow/tfjs-backend-wasm'],
    // Scan the workers too: they import what the pages do not (transformers.js, the wasm backend).
    entries: ['index.html', 'workers/*.worker.ts'],
    include: ['@tensorflow/tfjs-backend-wasm > @tensorflow/tfjs-core'],
  },
});
