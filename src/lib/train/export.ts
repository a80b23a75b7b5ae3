// Exports a fine-tuned model in the layouts the Hugging Face tools load: a merged float32
// checkpoint (transformers' from_pretrained) or a PEFT LoRA adapter (peft's PeftModel).
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../../../models/llama';
import { LORA_TARGETS, LoraAdapters, moduleName, type LoraLayer, type LoraTarget } from '../../../models/lora';
import { readSafetensors, writeSafetensors, type LoadedTensor, type TensorToWrite } from '../../../models/safetensors';
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
export async function exportMergedModel(model: LlamaModel, out: FileStore, opts: { source?: ModelFiles } = {}): Promise<string[]> {
  await writeJson(out, 'config.json', { ...model.config.raw, torch_dtype: 'float32' });
  // model.weights holds exactly the checkpoint's tensors: no lm_head when embeddings are tied.
  const tensors: TensorToWrite[] = [];
  for (const [name, weight] of model.weights) {
    const module = name.replace(/\.weight$/, '');
    const merged = name.endsWith('.weight') && model.adapters?.layers.has(module) ? model.adapters.mergedWeight(module, weight) : null;
    tensors.push({ name, shape: weight.shape, data: (await (merged ?? weight).data()) as Float32Array });
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

interface PeftConfig {
  peft_type?: unknown;
  r?: unknown;
  lora_alpha?: unknown;
  lora_dropout?: unknown;
  target_modules?: unknown;
  [option: string]: unknown;
}

/** PEFT options that would change what the adapter computes, with the value we can honour. */
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

/**
 * Reads a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) for `model`,
 * checking every tensor name and shape against it. The adapters are returned, not attached.
 */
export async function loadPeftAdapter(model: LlamaModel, files: ModelFiles | FileStore): Promise<LoraAdapters> {
  const where = files.description;
  const read = (name: string) => ('get' in files ? files.get(name) : files.read(name));
  const fail = (message: string): never => {
    throw new Error(`${where}: ${message}`);
  };

  const configBytes = (await read(ADAPTER_CONFIG)) ?? fail(`no ${ADAPTER_CONFIG}; is this a PEFT LoRA adapter folder?`);
  let raw: PeftConfig;
  try {
    raw = JSON.parse(new TextDecoder().decode(configBytes));
  } catch (e) {
    return fail(`${ADAPTER_CONFIG} is not valid JSON (${(e as Error).message}); the file is damaged`);
  }
  if (raw.peft_type !== 'LORA') fail(`${ADAPTER_CONFIG} has peft_type ${JSON.stringify(raw.peft_type)}; only LORA adapters load here`);
  for (const [option, supported, what] of UNSUPPORTED) {
    if (!supported(raw[option])) fail(`${ADAPTER_CONFIG} sets ${option}=${JSON.stringify(raw[option])}: ${what} is not supported`);
  }
  const targets = raw.target_modules;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => (LORA_TARGETS as readonly string[]).includes(t))) {
    fail(`${ADAPTER_CONFIG} target_modules ${JSON.stringify(targets)} must be a list of some of ${LORA_TARGETS.join(', ')}`);
  }
  const { r: rank, lora_alpha: alpha, lora_dropout: dropout = 0 } = raw;
  if (!Number.isInteger(rank) || (rank as number) < 1) fail(`${ADAPTER_CONFIG} r=${JSON.stringify(rank)} must be a positive integer`);
  if (typeof alpha !== 'number' || !(alpha > 0)) fail(`${ADAPTER_CONFIG} lora_alpha=${JSON.stringify(alpha)} must be a positive number`);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) fail(`${ADAPTER_CONFIG} lora_dropout=${JSON.stringify(dropout)} must be in [0, 1)`);

  const weightBytes = (await read(ADAPTER_WEIGHTS)) ?? fail(`no ${ADAPTER_WEIGHTS} beside ${ADAPTER_CONFIG}`);
  const { tensors } = readSafetensors(weightBytes, `${where}/${ADAPTER_WEIGHTS}`);
  const take = (module: string, which: 'A' | 'B', shape: number[]): LoadedTensor => {
    const name = peftTensorName(module, which);
    const t = tensors.get(name) ?? fail(`${ADAPTER_WEIGHTS} is missing "${name}", which target_modules and the model's ${model.config.numLayers} layers need`);
    if (!(t.data instanceof Float32Array)) fail(`${ADAPTER_WEIGHTS}: "${name}" is ${t.dtype}; LoRA weights must be floating point`);
    if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
      fail(`${ADAPTER_WEIGHTS}: "${name}" has shape [${t.shape}] but r=${rank} and the model's ${module} need [${shape}]; is the adapter for this base model?`);
    }
    tensors.delete(name);
    return t;
  };
  // Check everything before any variable is made, so a bad file leaks nothing.
  const found: [string, LoadedTensor, LoadedTensor][] = [];
  for (let i = 0; i < model.config.numLayers; i++) {
    for (const target of targets as LoraTarget[]) {
      const module = moduleName(i, target);
      const [out, inp] = model.weights.get(`${module}.weight`)!.shape;
      found.push([module, take(module, 'A', [rank as number, inp]), take(module, 'B', [out, rank as number])]);
    }
  }
  if (tensors.size) fail(`${ADAPTER_WEIGHTS} has tensors this model and target_modules do not use: ${[...tensors.keys()].slice(0, 3).join(', ')}`);

  const layers = new Map<string, LoraLayer>();
  for (const [module, a, b] of found) {
    layers.set(module, tf.tidy(() => ({ a: tf.variable(tf.tensor2d(a.data, a.shape as [number, number]), true), b: tf.variable(tf.tensor2d(b.data, b.shape as [number, number]), true) })));
  }
  return new LoraAdapters({ rank: rank as number, alpha, dropout, targets: [...(targets as LoraTarget[])] }, layers);
}
