// Browser-only (Vite): URLs of the tfjs wasm binaries, for initBackend(…, { wasmPaths }).
// Vite's `?url` makes it serve (and, in a build, emit) each file and gives us its URL; the
// keys are the file names tfjs-backend-wasm's setWasmPaths looks up, plus the loader its pthread
// workers import (emitted as it is in the package, unminified: see models/wasm-threads.ts).
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import threadsLoaderUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';
import { WASM_THREADS_LOADER } from './wasm-threads';

export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': simdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
  [WASM_THREADS_LOADER]: threadsLoaderUrl,
};
