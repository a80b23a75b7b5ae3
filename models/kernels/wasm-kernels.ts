// Kernels in place of tfjs-backend-wasm 4.22's own, where those copy far more than they must:
// - Slice, Unpack and SplitV read the whole input out of the wasm heap (readSync copies) for every
//   piece: unstacking a [32, 512, 256] tensor copied 32 × 16 MB, two thirds of a training step.
// - Identity copies its input, and tf.clone runs it: the tape clones every tensor it saves for the
//   backward pass, so each activation and weight was copied once more per step. Tensor data is
//   immutable, so it is shared (counted by reference), as the cpu backend does.
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackend {
  incRef(dataId: tf.DataId): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** x[begin : begin + size] into a new tensor, copied in runs along the axes taken whole. */
function sliceInto(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views taken after makeOutput: a heap that grows detaches the views taken before.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  let k = rank - 1;
  while (k > 0 && size[k] === x.shape[k]) k--;
  const run = size.slice(k).reduce((a, b) => a * b, 1);
  const strides = [...tf.util.computeStrides(x.shape), 1];
  const outer = size.slice(0, k);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = new Array<number>(k).fill(0);
  for (let n = 0, o = 0; n < count && run > 0; n++, o += run) {
    let offset = begin[k] * strides[k];
    for (let d = 0; d < k; d++) offset += (begin[d] + index[d]) * strides[d];
    dst.set(src.subarray(offset, offset + run), o);
    for (let d = k - 1; d >= 0 && ++index[d] === outer[d]; d--) index[d] = 0;
  }
  return out;
}

const fallback = new Map<string, tf.KernelConfig>();
const usable = (x: tf.TensorInfo) => x.dtype !== 'string' && x.shape.length > 0;

const kernels: tf.KernelConfig[] = [
  {
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return fallback.get('Identity')!.kernelFunc(args);
      (args.backend as unknown as WasmBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  },
  {
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (!usable(x)) return fallback.get('Slice')!.kernelFunc(args);
      const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      return sliceInto(args.backend as unknown as WasmBackend, x, b, s);
    },
  },
  {
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.value as tf.TensorInfo;
      if (!usable(x)) return fallback.get('Unpack')!.kernelFunc(args);
      let axis = (args.attrs as unknown as { axis: number }).axis;
      if (axis < 0) axis += x.shape.length;
      const outShape = x.shape.filter((_, i) => i !== axis);
      const size = [...x.shape];
      size[axis] = 1;
      return Array.from({ length: x.shape[axis] }, (_, i) => {
        const begin = x.shape.map((_, d) => (d === axis ? i : 0));
        const { dataId, dtype } = sliceInto(args.backend as unknown as WasmBackend, x, begin, size);
        return { dataId, dtype, shape: outShape };
      });
    },
  },
  {
    kernelName: 'SplitV',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (!usable(x)) return fallback.get('SplitV')!.kernelFunc(args);
      const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      const a = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, a);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((s) => {
        const size = [...x.shape];
        size[a] = s;
        const out = sliceInto(args.backend as unknown as WasmBackend, x, [...begin], size);
        begin[a] += s;
        return out;
      });
    },
  },
];

/** Puts these kernels in place of the wasm backend's own (once it has registered them). */
export function installWasmKernels(): void {
  for (const k of kernels) {
    const current = tf.getKernel(k.kernelName, 'wasm');
    if (!current || current.kernelFunc === k.kernelFunc) continue;
    fallback.set(k.kernelName, current);
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
}
