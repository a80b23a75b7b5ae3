// The host side of attention.wat: padding-free causal attention with grouped-query heads, forward
// and backward, on plain arrays. The arrays are copied into the kernel's own memory, which is laid
// out afresh for each call; the copies are a few hundred kilobytes a layer, the kernel's single
// call per (sequence, head) replaces a dozen tfjs ops and six XNNPACK products.
import { ATTENTION_WASM_BASE64 } from './attention-wasm';

interface KernelExports {
  memory: WebAssembly.Memory;
  transpose(src: number, dst: number, t: number, hd: number, tPadded: number): void;
  forward(q: number, k: number, v: number, o: number, lse: number, t: number, hd: number, scale: number, kT: number, p: number): void;
  backward(q: number, k: number, v: number, dO: number, lse: number, dq: number, dk: number, dv: number, t: number, hd: number, scale: number, kT: number, vT: number, p: number, dp: number, pT: number, dsT: number): void;
}

/** Heads, key/value heads, rows (all sequences end to end) and head size of one attention call. */
export interface AttentionDims {
  heads: number;
  kvHeads: number;
  n: number;
  headDim: number;
}

let instance: KernelExports | undefined;
/** The most bytes one call has laid out since the last `resetAttentionKernelPeak()`. */
let peakBytes = 0;

function kernel(): KernelExports {
  if (!instance) {
    const bytes = Uint8Array.from(atob(ATTENTION_WASM_BASE64), (c) => c.charCodeAt(0));
    // Synchronous: tfjs ops are. The module is under the 4 KB that Chromium compiles synchronously on a page's main thread.
    const module = new WebAssembly.Module(bytes);
    instance = new WebAssembly.Instance(module, { math: { log: Math.log } }).exports as unknown as KernelExports;
  }
  return instance;
}

/** The kernel runs on head sizes it can read four floats at a time. */
export const attentionKernelSupports = (headDim: number) => headDim % 4 === 0 && headDim > 0;

/**
 * Lays out the inputs (copied in) and then the outputs and scratch (zeroed) end to end in the
 * kernel's memory, growing it as needed; returns each array's byte offset and a view on it. Views
 * are taken after growing: growth detaches the old ones.
 */
function layout<I extends string, O extends string>(inputs: Record<I, Float32Array>, outputs: Record<O, number>) {
  const k = kernel();
  const sizes: Record<string, number> = { ...outputs };
  for (const [name, data] of Object.entries<Float32Array>(inputs)) sizes[name] = data.length;
  const at = {} as Record<I | O, number>;
  let end = 0;
  for (const [name, size] of Object.entries(sizes)) {
    at[name as I | O] = end;
    end += Math.ceil(size / 4) * 16; // 16-byte aligned for whole-vector loads
  }
  peakBytes = Math.max(peakBytes, end);
  const pages = Math.ceil(end / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  const view = (name: I | O) => new Float32Array(k.memory.buffer, at[name], sizes[name]);
  for (const name of Object.keys(inputs) as I[]) view(name).set(inputs[name]);
  for (const name of Object.keys(outputs) as O[]) view(name).fill(0);
  return { at, view };
}

/**
 * The most one call has laid out in the kernel's memory (inputs, outputs and scratch), which lies
 * outside tfjs's heap and its accounting. The backward pass's scratch is two tables of the longest
 * sequence's length squared.
 */
export const attentionKernelPeakBytes = () => peakBytes;
export const resetAttentionKernelPeak = () => {
  peakBytes = 0;
};

/** A sequence's length rounded up to whole vectors (the kernel's row stride for it), and the longest: the scratch's size. */
const roundUp4 = (length: number) => Math.ceil(length / 4) * 4;
const paddedLength = (lengths: readonly number[]) => roundUp4(Math.max(1, ...lengths));

/**
 * Walks the (sequence, key/value head) groups: `group` gets the byte offset, from the start of each
 * array, of the key/value head's rows (k, v, dk, dv) and the sequence's length, then `run` once
 * per query head that reads them, with the offsets of its rows (q, o, dq) and its log-sum-exps.
 * Query head h reads key/value head h / (heads / kvHeads), HF's layout.
 */
function eachProblem(
  dims: AttentionDims,
  lengths: readonly number[],
  group: (kvRows: number, length: number) => void,
  run: (queryRows: number, kvRows: number, lseRows: number, length: number) => void,
) {
  const { heads, kvHeads, n, headDim } = dims;
  const rep = heads / kvHeads;
  let start = 0;
  for (const length of lengths) {
    for (let kv = 0; kv < kvHeads; kv++) {
      const kvRows = 4 * (kv * n + start) * headDim;
      group(kvRows, length);
      for (let h = kv * rep; h < (kv + 1) * rep; h++) run(4 * (h * n + start) * headDim, kvRows, 4 * (h * n + start), length);
    }
    start += length;
  }
}

/**
 * softmax(q·kᵀ·scale + causal)·v for sequences laid end to end: q [heads, n, hd], k and v
 * [kvHeads, n, hd].
 * Returns the output [heads, n, hd] and each row's log-sum-exp [heads, n], which the backward reads.
 */
export function attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, dims: AttentionDims, lengths: readonly number[], scale: number) {
  const { heads, n, headDim: hd } = dims;
  const padded = paddedLength(lengths);
  const m = layout({ q, k, v }, { o: q.length, lse: heads * n, kT: hd * padded, p: padded });
  const { at } = m;
  const run = kernel();
  eachProblem(
    dims,
    lengths,
    (kr, t) => run.transpose(at.k + kr, at.kT, t, hd, roundUp4(t)),
    (qr, kr, lr, t) => run.forward(at.q + qr, at.k + kr, at.v + kr, at.o + qr, at.lse + lr, t, hd, scale, at.kT, at.p),
  );
  return { out: m.view('o').slice(), lse: m.view('lse').slice() };
}

/** The gradients of `attentionForward` for q, k and v, given the output's gradient dO and its log-sum-exps. */
export function attentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, dO: Float32Array, lse: Float32Array, dims: AttentionDims, lengths: readonly number[], scale: number) {
  const hd = dims.headDim;
  const padded = paddedLength(lengths);
  // dk and dv start at zero: they are sums over the query heads that share them.
  const m = layout({ q, k, v, dO, lse }, { dq: q.length, dk: k.length, dv: v.length, kT: hd * padded, vT: hd * padded, p: padded, dp: padded, pT: padded * padded, dsT: padded * padded });
  const { at } = m;
  const run = kernel();
  eachProblem(
    dims,
    lengths,
    (kr, t) => {
      run.transpose(at.k + kr, at.kT, t, hd, roundUp4(t));
      run.transpose(at.v + kr, at.vT, t, hd, roundUp4(t));
    },
    (qr, kr, lr, t) => run.backward(at.q + qr, at.k + kr, at.v + kr, at.dO + qr, at.lse + lr, at.dq + qr, at.dk + kr, at.dv + kr, t, hd, scale, at.kT, at.vT, at.p, at.dp, at.pT, at.dsT),
  );
  return { dq: m.view('dq').slice(), dk: m.view('dk').slice(), dv: m.view('dv').slice() };
}
