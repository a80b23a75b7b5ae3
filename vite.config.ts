import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Cross-origin isolation lets the wasm backend use SharedArrayBuffer (threads) and gives
// precise timers; every server we run (dev, preview, tests) sends these headers.
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [svelte()],
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
