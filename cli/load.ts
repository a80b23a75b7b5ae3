// Backend start and model load for every command; status lines go to stderr so that stdout
// carries only the command's output.
import { existsSync } from 'node:fs';
import { initBackend, type BackendName } from '../models/backend';
import { resolveSource, SourceError } from '../models/files';
import { fromPretrained, type LoadOptions, type Pretrained } from '../models/from-pretrained';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';

export const log = (line: string) => process.stderr.write(`${line}\n`);

/** A missing local folder gets a plain message before any loading starts. */
export function checkLocalPath(source: string): void {
  // A missing "./x" or "/x" would otherwise get a generic "not a model source" message.
  if (/^\.{0,2}\//.test(source) && !existsSync(source)) {
    throw new SourceError(
      `model folder ${source} does not exist; give a folder with config.json and model.safetensors, or a Hugging Face id such as HuggingFaceTB/SmolLM2-135M`,
    );
  }
}

/** The model, refused before allocation when over this machine's free memory, unless `force`. */
export async function loadModel(source: string, backend: BackendName | undefined, opts: LoadOptions & { force?: boolean; threads?: number } = {}): Promise<Pretrained> {
  checkLocalPath(source);
  const { force, threads, ...load } = opts;
  log((await initBackend(backend, { threads })).summary);
  return fromPretrained(source, { log, memory: { force }, ...load });
}

/** The tokenizer alone (no weights), from any model source. */
export async function loadTokenizerFrom(source: string): Promise<TextTokenizer> {
  checkLocalPath(source);
  const files = await resolveSource(source);
  const tokenizer = await loadTokenizer(files);
  if (!tokenizer) throw new SourceError(`no tokenizer.json in ${files.description}; --tokenizer needs a model source that has one`);
  return tokenizer;
}
