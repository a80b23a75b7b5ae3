// fromPretrained: the one door through which every model loads, whatever its source.
// config.json → estimate memory (over what the device reports: stop, unless the user consents) →
// fetch the safetensors (single or sharded) and the tokenizer (when the source has one) together →
// validate the weights → (once allocateAfter settles) build the model.
import { parseConfig, expectedWeightShapes, type LlamaConfig } from './config';
import { LlamaModel, WeightError } from './llama';
import { checkMemoryConsent, describeEstimate, estimateInferenceMemory, type MemoryEstimate, type MemoryGuard } from './memory';
import { parseSafetensorsHeader, parseShardIndex, readTensor, shardFiles } from './safetensors';
import { resolveSource, SourceError, type HubOptions, type ModelFiles, type ModelSource, type ProgressCallback } from './files';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

export interface LoadOptions extends HubOptions {
  /** Bytes downloaded or read, per file. */
  onProgress?: ProgressCallback;
  /** Status lines (the memory estimate among them). Default: console.log. */
  log?: (line: string) => void;
  /** Load the tokenizer too, when the source has one. Default true. */
  tokenizer?: boolean;
  /** Refuse (MemoryConsentError) a model whose estimate is over what the device reports, unless forced. Default: no check. */
  memory?: MemoryGuard;
  /**
   * Make the model's tensors only once this settles (a backend starting, say): the files are
   * fetched, decoded and checked meanwhile. Its rejection is the load's error.
   */
  allocateAfter?: Promise<unknown>;
}

export interface Pretrained {
  model: LlamaModel;
  config: LlamaConfig;
  tokenizer: TextTokenizer | null;
  files: ModelFiles;
  estimate: MemoryEstimate;
  /** Weight files read, with their sizes. */
  weightFiles: { name: string; bytes: number }[];
}

const decoder = new TextDecoder();

async function required(files: ModelFiles, name: string, onProgress?: ProgressCallback): Promise<Uint8Array> {
  const bytes = await files.get(name, onProgress);
  if (bytes) return bytes;
  throw new SourceError(
    `${name} was not found in ${files.description} (${files.locate(name)}: not found). ` +
      'Check the model id, revision or path; a Hugging Face model folder has config.json and model.safetensors.',
  );
}

function parseJsonFile(bytes: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new SourceError(`${where}: not valid JSON (${(e as Error).message}). The file is damaged; download it again.`);
  }
}

/**
 * The checkpoint's safetensors files with their bytes: model.safetensors, or else the shards named
 * by model.safetensors.index.json. The single file is asked for first: most small models have one,
 * and a browser logs every 404 as a console error.
 */
async function readWeightFiles(files: ModelFiles, onProgress?: ProgressCallback): Promise<{ name: string; bytes: Uint8Array }[]> {
  const single = await files.get('model.safetensors', onProgress);
  if (single) return [{ name: 'model.safetensors', bytes: single }];
  const index = await files.get('model.safetensors.index.json');
  if (!index) {
    throw new SourceError(
      `neither model.safetensors nor model.safetensors.index.json was found in ${files.description} (${files.locate('model.safetensors')}). ` +
        'Only safetensors checkpoints load here; convert pytorch_model.bin with transformers (save_pretrained(..., safe_serialization=True)).',
    );
  }
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const name of shardFiles(parseShardIndex(decoder.decode(index), files.locate('model.safetensors.index.json')))) {
    const bytes = await files.get(name, onProgress);
    if (!bytes) throw new SourceError(`${name}, listed in model.safetensors.index.json, was not found in ${files.description} (${files.locate(name)}).`);
    out.push({ name, bytes });
  }
  return out;
}

export async function fromPretrained(source: ModelSource, opts: LoadOptions = {}): Promise<Pretrained> {
  const log = opts.log ?? ((line: string) => console.log(line));
  // Awaited only once the files are read: an earlier failure is then the load's error, not unhandled.
  opts.allocateAfter?.catch(() => undefined);
  const files = await resolveSource(source, opts);
  const configPath = files.locate('config.json');
  const config = parseConfig(parseJsonFile(await required(files, 'config.json', opts.onProgress), configPath), configPath);
  const estimate = estimateInferenceMemory(config);
  log(`${config.architecture} from ${files.description}: ${describeEstimate(estimate)}`);
  if (opts.memory) await checkMemoryConsent(estimate, opts.memory, `${config.architecture} from ${files.description}`);

  // The tokenizer (its files, and transformers.js) loads alongside the weights.
  const [read, tokenizer] = await Promise.all([
    readWeightFiles(files, opts.onProgress),
    opts.tokenizer === false ? null : loadTokenizer(files, opts.onProgress),
  ]);
  if (!tokenizer && opts.tokenizer !== false) log(`no tokenizer.json in ${files.description}: token ids only`);
  // Check every shard's header against the config before any tensor is allocated.
  const expected = expectedWeightShapes(config);
  const shards = read.map(({ name, bytes }) => ({
    name,
    bytes,
    header: parseSafetensorsHeader(bytes, files.locate(name)),
  }));
  const owner = new Map<string, (typeof shards)[number]>();
  for (const shard of shards) for (const name of shard.header.tensors.keys()) owner.set(name, shard);
  for (const [name, shape] of expected) {
    const info = owner.get(name)?.header.tensors.get(name);
    if (!info) {
      throw new WeightError(
        `${files.description}: tensor "${name}" is missing from ${shards.map((s) => s.name).join(', ')}, but config.json ` +
          `(${config.architecture}, ${config.numLayers} layers${config.tieWordEmbeddings ? ', tied embeddings' : ''}) needs it. ` +
          'The weights do not match the config; check that both come from the same model.',
      );
    }
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
      throw new WeightError(
        `${files.locate(owner.get(name)!.name)}: tensor "${name}" has shape [${info.shape}] but config.json implies [${shape}]. ` +
          'The weights do not match the config; check hidden_size, head_dim, num_key_value_heads and vocab_size.',
      );
    }
  }

  const arrays = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const name of expected.keys()) {
    const shard = owner.get(name)!;
    const t = readTensor(shard.bytes, shard.header, name, files.locate(shard.name));
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    arrays.set(name, { shape: t.shape, data });
  }
  const weightFiles = shards.map((s) => ({ name: s.name, bytes: s.bytes.length }));
  shards.length = 0; // drop the raw bytes before the model copies the arrays to the backend
  await opts.allocateAfter;
  const model = LlamaModel.fromArrays(config, arrays, files.description);
  return { model, config, tokenizer, files, estimate, weightFiles };
}
