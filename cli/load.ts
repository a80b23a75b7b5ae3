// Backend start and model load for every command; status lines go to stderr so that stdout
// carries only the command's output.
import { existsSync } from 'node:fs';
import { initBackend, type BackendName } from '../models/backend';
import { SourceError } from '../models/files';
import { fromPretrained, type LoadOptions, type Pretrained } from '../models/from-pretrained';

export const log = (line: string) => process.stderr.write(`${line}\n`);

export async function loadModel(source: string, backend: BackendName | undefined, opts: LoadOptions = {}): Promise<Pretrained> {
  // A missing "./x" or "/x" would otherwise get a generic "not a model source" message.
  if (/^\.{0,2}\//.test(source) && !existsSync(source)) {
    throw new SourceError(
      `model folder ${source} does not exist; give a folder with config.json and model.safetensors, or a Hugging Face id such as HuggingFaceTB/SmolLM2-135M`,
    );
  }
  log((await initBackend(backend)).summary);
  return fromPretrained(source, { log, ...opts });
}
