// Loaded by model.html: loads a model through fromPretrained from a hub-layout server, as the
// app does, and returns its logits and greedy continuation for the test to check.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '../../models/backend';
import { wasmPaths } from '../../models/backend-wasm-paths.browser';
import { fromPretrained } from '../../models/from-pretrained';
import { generate } from '../../models/generate';

export interface ModelRequest {
  backend: BackendName;
  repo: string;
  endpoint: string;
  /** Teacher-forced ids; logits come back for every position. */
  ids: number[];
  promptIds: number[];
  maxNewTokens: number;
}

export interface ModelPageResult {
  backend: string;
  summary: string;
  logits: number[][];
  greedy: number[];
  /** Files served from the Cache API on this load. */
  cachedFiles: string[];
}

declare global {
  interface Window {
    runModel?: (r: ModelRequest) => Promise<ModelPageResult>;
  }
}

window.runModel = async (r) => {
  const info = await initBackend(r.backend, { wasmPaths });
  const cachedFiles = new Set<string>();
  const { model } = await fromPretrained(r.repo, {
    endpoint: r.endpoint,
    tokenizer: false, // the fixture has none; asking would log a 404 in the console
    log: () => {},
    onProgress: (p) => p.cached && cachedFiles.add(p.file),
  });
  const { hidden } = model.forward(tf.tensor2d([r.ids], [1, r.ids.length], 'int32'));
  const logits = model.logits(hidden);
  const rows = ((await logits.array()) as number[][][])[0];
  tf.dispose([hidden, logits]);
  const out = await generate(model, [r.promptIds], { maxNewTokens: r.maxNewTokens, greedy: true, stopTokenIds: [] });
  model.dispose();
  return { backend: tf.getBackend(), summary: info.summary, logits: rows, greedy: out.ids[0], cachedFiles: [...cachedFiles] };
};
