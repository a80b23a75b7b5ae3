// logits: one full forward pass over the given ids, logits at every position (for checking a
// model against a reference implementation).
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_OPTION, checkIdsInVocab, command, FORCE_OPTION, parseIds, THREADS_OPTION } from '../args';
import { loadModel } from '../load';

const TOP = 5;

export const logits = command({
  summary: 'Logits at every position of a token-id sequence (one forward pass)',
  usage: 'logits --model SRC --ids 1,2,3 [--backend B] [--threads N] [--json]',
  about: 'Runs the model once over the ids and prints the vocabulary logits after each position.',
  options: {
    model: { kind: 'string', arg: 'SRC', required: true, help: 'model folder, http(s) URL, or Hugging Face id (config.json + safetensors)' },
    ids: { kind: 'string', arg: 'LIST', required: true, help: 'comma-separated token ids, e.g. 1,17,42' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    force: FORCE_OPTION,
    json: { kind: 'flag', help: `last stdout line: {"logits":[[...vocab floats...], ...]}, one row per position;\nwithout it, the top ${TOP} ids per position` },
  },

  async run(v) {
    const source = v.model;
    const ids = parseIds(v.ids);
    const { model } = await loadModel(source, v.backend, { tokenizer: false, force: v.force, threads: v.threads });
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
});
