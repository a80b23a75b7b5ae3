// Exports a fine-tuned model in the layouts the Hugging Face tools load: a merged float32
// checkpoint (transformers' from_pretrained) or a PEFT LoRA adapter (peft's PeftModel).
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaModel } from '../../../models/llama';
import { LORA_TARGETS, LoraAdapters, moduleName, type LoraConfig, type LoraLayer, type LoraTarget } from '../../../models/lora';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../../models/safetensors';
import type { ModelFiles } from '../../../models/files';
import { writeJson, type FileStore } from '../storage/file-store';

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'generation_config.json'];

/** What transformers checks for in a safetensors file's metadata. */
const PT_METADATA = { format: 'pt' };
const ADAPTER_CONFIG = 'adapter_config.json';
const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

/**
 * config.json, model.safetensors (float32, LoRA merged in when adapters are attached) and, when
 * `source` has them, the tokenizer files byte for byte. Returns the names written.
 */
export interface ExportOptions {
  /** Copy tokenizer files from here when present. */
  source?: ModelFiles;
  /** Weights as float32 (default) or float16 (half the size, for shipping). */
  dtype?: 'F32' | 'F16';
}

export async function exportMergedModel(model: LlamaModel, out: FileStore, opts: ExportOptions = {}): Promise<string[]> {
  const dtype = opts.dtype ?? 'F32';
  const torchDtype = dtype === 'F16' ? 'float16' : 'float32';
  // Newer transformers write and prefer "dtype" over "torch_dtype"; set whichever is there.
  const raw = model.config.raw;
  await writeJson(out, 'config.json', { ...raw, torch_dtype: torchDtype, ...('dtype' in raw && { dtype: torchDtype }) });
  // model.weights holds exactly the checkpoint's tensors: no lm_head when embeddings are tied.
  const tensors: TensorToWrite[] = [];
  for (const [name, weight] of model.weights) {
    const module = name.replace(/\.weight$/, '');
    const merged = module !== name && model.adapters?.layers.has(module) ? model.adapters.mergedWeight(module, weight) : null;
    tensors.push({ name, shape: weight.shape, data: (await (merged ?? weight).data()) as Float32Array, dtype });
    merged?.dispose();
  }
  await out.write('model.safetensors', writeSafetensors(tensors, PT_METADATA));
  const written = ['config.json', 'model.safetensors'];
  for (const name of TOKENIZER_FILES) {
    const bytes = await opts.source?.get(name);
    if (!bytes) continue;
    await out.write(name, bytes);
    written.push(name);
  }
  return written;
}

/** PEFT's name for a module's A or B matrix in a saved adapter (no adapter-name segment). */
export function peftTensorName(module: string, which: 'A' | 'B'): string {
  return `base_model.model.${module}.lora_${which}.weight`;
}

/** adapter_config.json and adapter_model.safetensors, as PEFT's save_pretrained writes them. */
export async function exportPeftAdapter(adapters: LoraAdapters, out: FileStore, opts: { baseModel: string }): Promise<string[]> {
  const { rank, alpha, dropout, targets } = adapters.config;
  await writeJson(out, ADAPTER_CONFIG, {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: rank,
    lora_alpha: alpha,
    lora_dropout: dropout,
    target_modules: [...targets],
    base_model_name_or_path: opts.baseModel,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    use_rslora: false,
    use_dora: false,
    layers_to_transform: null,
    revision: null,
  });
  const tensors: TensorToWrite[] = [];
  for (const [module, { a, b }] of adapters.layers) {
    tensors.push({ name: peftTensorName(module, 'A'), shape: a.shape, data: (await a.data()) as Float32Array });
    tensors.push({ name: peftTensorName(module, 'B'), shape: b.shape, data: (await b.data()) as Float32Array });
  }
  await out.write(ADAPTER_WEIGHTS, writeSafetensors(tensors, PT_METADATA));
  return [ADAPTER_CONFIG, ADAPTER_WEIGHTS];
}

/** PEFT options that would change what the adapter computes, with the values we can honour. */
const UNSUPPORTED: [option: string, supported: (v: unknown) => boolean, what: string][] = [
  ['use_dora', (v) => !v, 'DoRA'],
  ['use_rslora', (v) => !v, 'rank-stabilized LoRA (scale α/√r)'],
  ['bias', (v) => v === undefined || v === 'none', 'trained biases'],
  ['fan_in_fan_out', (v) => !v, 'fan_in_fan_out weights'],
  ['layers_to_transform', (v) => v == null, 'adapters on only some layers'],
  ['modules_to_save', (v) => v == null || (Array.isArray(v) && v.length === 0), 'fully trained extra modules'],
  ['rank_pattern', (v) => v == null || Object.keys(v as object).length === 0, 'per-module ranks'],
  ['alpha_pattern', (v) => v == null || Object.keys(v as object).length === 0, 'per-module alphas'],
];

class AdapterError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'AdapterError';
  }
}

function parseAdapterConfig(bytes: Uint8Array, where: string): LoraConfig {
  const fail = (message: string) => new AdapterError(`${where}/${ADAPTER_CONFIG}`, message);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message}); the file is damaged`);
  }
  if (raw.peft_type !== 'LORA') throw fail(`peft_type is ${JSON.stringify(raw.peft_type)}; only LORA adapters load here`);
  for (const [option, supported, what] of UNSUPPORTED) {
    if (!supported(raw[option])) throw fail(`${option} is ${JSON.stringify(raw[option])}: ${what} is not supported`);
  }
  const { r: rank, lora_alpha: alpha, lora_dropout: dropout = 0, target_modules: targets } = raw;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1) throw fail(`r is ${JSON.stringify(rank)}; it must be a positive integer`);
  if (typeof alpha !== 'number' || !(alpha > 0)) throw fail(`lora_alpha is ${JSON.stringify(alpha)}; it must be a positive number`);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw fail(`lora_dropout is ${JSON.stringify(dropout)}; it must be in [0, 1)`);
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => (LORA_TARGETS as readonly string[]).includes(t))) {
    throw fail(`target_modules is ${JSON.stringify(targets)}; it must list some of ${LORA_TARGETS.join(', ')}`);
  }
  return { rank, alpha, dropout, targets: targets as LoraTarget[] };
}

/**
 * Reads a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) for `model`,
 * checking every tensor name and shape against it. The adapters are returned, not attached.
 */
export async function loadPeftAdapter(model: LlamaModel, files: ModelFiles | FileStore): Promise<LoraAdapters> {
  const where = files.description;
  const read = (name: string) => ('get' in files ? files.get(name) : files.read(name));
  const configBytes = await read(ADAPTER_CONFIG);
  if (!configBytes) throw new AdapterError(where, `no ${ADAPTER_CONFIG}; is this a PEFT LoRA adapter folder?`);
  const config = parseAdapterConfig(configBytes, where);
  const weightBytes = await read(ADAPTER_WEIGHTS);
  if (!weightBytes) throw new AdapterError(where, `no ${ADAPTER_WEIGHTS} beside ${ADAPTER_CONFIG}`);

  const file = `${where}/${ADAPTER_WEIGHTS}`;
  const { tensors } = readSafetensors(weightBytes, file);
  const take = (module: string, which: 'A' | 'B', shape: [number, number]): Float32Array => {
    const name = peftTensorName(module, which);
    const t = tensors.get(name);
    if (!t) throw new AdapterError(file, `tensor "${name}" is missing; target_modules (${config.targets.join(', ')}) and the model's ${model.config.numLayers} layers need it`);
    if (!(t.data instanceof Float32Array)) throw new AdapterError(file, `tensor "${name}" is ${t.dtype}; LoRA weights must be floating point`);
    if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
      throw new AdapterError(file, `tensor "${name}" has shape [${t.shape}] but r=${config.rank} and the model's ${module} need [${shape}]; is the adapter for this base model?`);
    }
    tensors.delete(name);
    return t.data;
  };
  // Every tensor is checked before any variable is made, so a bad file leaks nothing.
  const found: { module: string; a: Float32Array; b: Float32Array; out: number; inp: number }[] = [];
  for (let i = 0; i < model.config.numLayers; i++) {
    for (const target of config.targets) {
      const module = moduleName(i, target);
      const [out, inp] = model.weights.get(`${module}.weight`)!.shape;
      found.push({ module, out, inp, a: take(module, 'A', [config.rank, inp]), b: take(module, 'B', [out, config.rank]) });
    }
  }
  if (tensors.size) throw new AdapterError(file, `tensors that neither target_modules nor the model use: ${[...tensors.keys()].slice(0, 3).join(', ')}`);

  const layers = new Map<string, LoraLayer>();
  for (const { module, a, b, out, inp } of found) {
    const layer = tf.tidy(() => ({
      a: tf.variable(tf.tensor2d(a, [config.rank, inp]), true),
      b: tf.variable(tf.tensor2d(b, [out, config.rank]), true),
    }));
    layers.set(module, layer);
  }
  return new LoraAdapters(config, layers);
}
