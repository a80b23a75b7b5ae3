// Text generation with a KV cache: one prefill pass over the (left-padded) prompts, then one
// token per step for every row. Rows finish on a stop token, a stop string or max_new_tokens.
import * as tf from '@tensorflow/tfjs-core';
import { disposeCache, type KVCache, type LlamaModel } from './llama';
import { sampleToken, type SamplingOptions } from './sampling';
import { Rng } from './random';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Token ids that end a row; default: the config's eos_token_id. The stop token is kept in `ids`. */
  stopTokenIds?: number[];
  /** Strings that end a row; the text is cut before them. Needs `decode`. */
  stopStrings?: string[];
  /** Token ids → text, for stop strings and the `text` result. */
  decode?: (ids: number[]) => string;
  /** Seed for sampling; default 0. */
  seed?: number;
  /**
   * One sampling seed per prompt instead of `seed`: each row then draws from its own generator, so
   * its tokens do not depend on which other prompts share the batch.
   */
  rowSeeds?: number[];
  /** Id used to left-pad shorter prompts (masked out, so any valid id works). Default: pad, eos or 0. */
  padTokenId?: number;
  /** Called for every generated token, as it is chosen. */
  onToken?: (row: number, id: number, step: number) => void;
  signal?: AbortSignal;
}

export type FinishReason = 'stop_token' | 'stop_string' | 'length' | 'aborted';

export interface GenerateResult {
  /** Generated ids only, per prompt. */
  ids: number[][];
  /** Decoded generated text per prompt, cut at a stop string (only with `decode`). */
  text?: string[];
  finishReasons: FinishReason[];
  promptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  decodeMs: number;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** Left-pad prompts to one length: ids, a key mask and rotary positions that start at 0 per row. */
export function leftPad(prompts: number[][], padId: number) {
  const length = Math.max(...prompts.map((p) => p.length));
  const ids: number[] = [];
  const mask: number[] = [];
  const positions: number[] = [];
  for (const p of prompts) {
    const pad = length - p.length;
    for (let j = 0; j < length; j++) {
      ids.push(j < pad ? padId : p[j - pad]);
      mask.push(j < pad ? 0 : 1);
      positions.push(Math.max(0, j - pad));
    }
  }
  const shape: [number, number] = [prompts.length, length];
  return { length, ids: tf.tensor2d(ids, shape, 'int32'), mask: tf.tensor2d(mask, shape, 'int32'), positions: tf.tensor2d(positions, shape, 'int32') };
}

/** Runs the model over `ids` with the cache; returns last-position logits [batch, vocab] and the new cache. */
function step(model: LlamaModel, ids: tf.Tensor2D, positions: tf.Tensor2D, keyMask: tf.Tensor2D, cache: KVCache) {
  const { hidden, cache: next } = model.forward(ids, { positions, keyMask, cache });
  const logits = tf.tidy(() => {
    const [b, t, h] = hidden.shape;
    return model.logits(hidden.slice([0, t - 1, 0], [b, 1, h]).reshape([b, h])) as tf.Tensor2D;
  });
  hidden.dispose();
  disposeCache(cache);
  return { logits, cache: next! };
}

export async function generate(model: LlamaModel, prompts: number[][], opts: GenerateOptions): Promise<GenerateResult> {
  if (prompts.length === 0) throw new Error('generate: no prompts given');
  const empty = prompts.findIndex((p) => p.length === 0);
  if (empty >= 0) throw new Error(`generate: prompt ${empty} is empty; give at least one token (e.g. BOS)`);
  const vocab = model.config.vocabSize;
  for (const p of prompts) {
    const bad = p.find((id) => !Number.isInteger(id) || id < 0 || id >= vocab);
    if (bad !== undefined) throw new Error(`generate: token id ${bad} is outside the vocabulary (0..${vocab - 1})`);
  }
  if ((opts.stopStrings?.length ?? 0) > 0 && !opts.decode) throw new Error('generate: stop strings need a tokenizer to decode with');

  const batch = prompts.length;
  const stopIds = new Set(opts.stopTokenIds ?? model.config.eosTokenIds);
  const padId = opts.padTokenId ?? model.config.padTokenId ?? model.config.eosTokenIds[0] ?? 0;
  if (opts.rowSeeds && opts.rowSeeds.length !== prompts.length) throw new Error(`generate: ${opts.rowSeeds.length} row seeds for ${prompts.length} prompts`);
  const shared = new Rng(opts.seed ?? 0);
  const rngs = prompts.map((_, r) => (opts.rowSeeds ? new Rng(opts.rowSeeds[r]) : shared));
  const out: number[][] = prompts.map(() => []);
  const texts: string[] = prompts.map(() => '');
  const finish: (FinishReason | null)[] = prompts.map(() => null);

  const t0 = now();
  const padded = leftPad(prompts, padId);
  let keyMask = padded.mask;
  let { logits, cache } = step(model, padded.ids, padded.positions, keyMask, model.emptyCache(batch));
  tf.dispose([padded.ids, padded.positions]);
  const nextPositions = prompts.map((p) => p.length);
  let prefillMs = 0;

  for (let s = 0; s < opts.maxNewTokens; s++) {
    const rows = (await logits.data()) as Float32Array;
    logits.dispose();
    if (s === 0) prefillMs = now() - t0;
    const chosen = new Array<number>(batch).fill(padId);
    for (let r = 0; r < batch; r++) {
      if (finish[r]) continue;
      const id = sampleToken(rows.subarray(r * vocab, (r + 1) * vocab), opts, rngs[r]);
      chosen[r] = id;
      out[r].push(id);
      opts.onToken?.(r, id, s);
      if (stopIds.has(id)) finish[r] = 'stop_token';
      else if (opts.decode && opts.stopStrings?.length) {
        const text = opts.decode(out[r]);
        const at = Math.min(...opts.stopStrings.map((st) => text.indexOf(st)).filter((i) => i >= 0));
        if (Number.isFinite(at)) {
          finish[r] = 'stop_string';
          texts[r] = text.slice(0, at);
        }
      }
    }
    if (s === opts.maxNewTokens - 1) break;
    if (opts.signal?.aborted) finish.forEach((f, r) => (finish[r] = f ?? 'aborted'));
    if (finish.every((f) => f)) break;

    const ids = tf.tensor2d(chosen, [batch, 1], 'int32');
    const positions = tf.tensor2d(nextPositions.map((p) => p + s), [batch, 1], 'int32');
    const grown = tf.tidy(() => tf.concat([keyMask, tf.ones([batch, 1], 'int32')], 1) as tf.Tensor2D);
    keyMask.dispose();
    keyMask = grown;
    ({ logits, cache } = step(model, ids, positions, keyMask, cache));
    tf.dispose([ids, positions]);
  }
  if (!logits.isDisposed) logits.dispose();
  keyMask.dispose();
  disposeCache(cache);

  const finishReasons = finish.map((f) => f ?? 'length');
  const result: GenerateResult = {
    ids: out,
    finishReasons,
    promptTokens: prompts.reduce((a, p) => a + p.length, 0),
    generatedTokens: out.reduce((a, o) => a + o.length, 0),
    prefillMs,
    decodeMs: now() - t0 - prefillMs,
  };
  if (opts.decode) result.text = out.map((ids, r) => (finishReasons[r] === 'stop_string' ? texts[r] : opts.decode!(ids)));
  return result;
}
