// logits: one full forward pass over the given ids, logits at every position (for checking a
// model against a reference implementation).
import * as tf from '@tensorflow/tfjs';
import { checkIdsInVocab, parseBackend, parseIds, parseOptions, required, type Command } from '../args';
import { loadModel } from '../load';

const OPTIONS = {
  model: { type: 'string' },
  ids: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const TOP = 5;

export const logits: Command = {
  summary: 'Logits at every position of a token-id sequence (one forward pass)',
  help: `Usage: logits --model SRC --ids 1,2,3 [--backend B] [--json]

Runs the model once over the ids and prints the vocabulary logits after each position.

  --model SRC     model folder, http(s) URL, or Hugging Face id (config.json + safetensors)
  --ids LIST      comma-separated token ids, e.g. 1,17,42
  --backend B     wasm or cpu (default: the first that starts)
  --json          last stdout line: {"logits":[[...vocab floats...], ...]}, one row per position;
                  without it, the top ${TOP} ids per position`,

  async run(argv) {
    const v = parseOptions('logits', argv, OPTIONS);
    const source = required(v.model, '--model SRC', 'logits');
    const ids = parseIds(required(v.ids, '--ids 1,2,3', 'logits'));
    const { model } = await loadModel(source, parseBackend(v.backend), { tokenizer: false });
    checkIdsInVocab(ids, model.config.vocabSize);

    const output = tf.tidy(() => {
      const { hidden } = model.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
      return model.logits(hidden).squeeze([0]) as tf.Tensor2D;
    });
    const rows = (await output.array()) as number[][];
    output.dispose();
    model.dispose();

    if (v.json) {
      process.stdout.write(`${JSON.stringify({ logits: rows })}\n`);
      return;
    }
    rows.forEach((row, p) => {
      const top = Array.from(row.keys()).sort((a, b) => row[b] - row[a]).slice(0, TOP);
      process.stdout.write(`position ${p} (id ${ids[p]}): ${top.map((id) => `${id} ${row[id].toFixed(4)}`).join(', ')}\n`);
    });
  },
};
