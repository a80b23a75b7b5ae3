// The bundled default model (public/models/distill-tiny, made by `npm run pretrain-default`): its
// files match the checksums in the repo, it fits the size budget, and it loads with its tokenizer.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromPretrained } from '../models/from-pretrained';
import { generate } from '../models/generate';
import { DEFAULT_MODEL_DIR } from '../src/lib/default-model';
import { encodePrompt, renderPrompt } from '../src/lib/data/prompt-format';
import { ROOT } from './helpers/cli';
import { useBackend } from './helpers/tf';

const dir = path.join(ROOT, DEFAULT_MODEL_DIR);
const MAX_BYTES = 20 * 1024 * 1024;

beforeAll(() => useBackend('wasm'));

describe('bundled default model', () => {
  it('every file matches checksums.json, and nothing is missing or extra', () => {
    const { sha256 } = JSON.parse(readFileSync(path.join(dir, 'checksums.json'), 'utf8')) as { sha256: Record<string, string> };
    const files = readdirSync(dir).filter((f) => f !== 'checksums.json').sort();
    expect(Object.keys(sha256).sort()).toEqual(files);
    expect(files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']));
    for (const f of files) expect(createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex'), f).toBe(sha256[f]);
    const total = files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('loads through fromPretrained with its tokenizer and chat template, and generates', async () => {
    const started = performance.now();
    const { model, tokenizer, config } = await fromPretrained(dir, { log: () => {} });
    console.log(`default model: ${config.architecture}, loaded in ${(performance.now() - started).toFixed(0)} ms`);
    expect(config.architecture).toBe('LlamaForCausalLM');
    expect(tokenizer?.hasChatTemplate).toBe(true);
    const prompt = encodePrompt(renderPrompt([{ role: 'user', content: 'Mia has 3 apples and buys 4 more. How many apples does she have?' }], 'chat', tokenizer), tokenizer!);
    const out = await generate(model, [prompt], { maxNewTokens: 8, greedy: true });
    expect(out.ids[0].length).toBeGreaterThan(0);
    model.dispose();
  });
});
