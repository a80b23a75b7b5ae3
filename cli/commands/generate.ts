// generate: text (or ids) from a prompt with the KV-cache generator, streamed as it comes.
import type { SamplingOptions } from '../../models/sampling';
import { generate as generateIds } from '../../models/generate';
import type { TextTokenizer } from '../../models/tokenizer';
import { checkIdsInVocab, parseBackend, parseIds, parseNumber, parseOptions, required, UsageError, type Command } from '../args';
import { loadModel, log } from '../load';

const OPTIONS = {
  model: { type: 'string' },
  ids: { type: 'string' },
  prompt: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  greedy: { type: 'boolean' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'top-k': { type: 'string' },
  seed: { type: 'string' },
  stop: { type: 'string', multiple: true },
  chat: { type: 'boolean' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Sampling defaults: the model's own distribution, reproducible by seed. */
export const SAMPLING_DEFAULTS = { temperature: 1, topP: 1, topK: 0, seed: 0 };

const SAMPLING_FLAGS = ['temperature', 'top-p', 'top-k', 'seed'] as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>;

function samplingOptions(v: Values): SamplingOptions & { seed: number } {
  if (v.greedy) {
    const extra = SAMPLING_FLAGS.filter((f) => v[f] !== undefined);
    if (extra.length) throw new UsageError(`--greedy ignores ${extra.map((f) => `--${f}`).join(', ')}; drop them, or drop --greedy to sample`);
    return { greedy: true, seed: SAMPLING_DEFAULTS.seed };
  }
  const d = SAMPLING_DEFAULTS;
  return {
    temperature: v.temperature === undefined ? d.temperature : parseNumber('--temperature', v.temperature, { min: 0 }),
    topP: v['top-p'] === undefined ? d.topP : parseNumber('--top-p', v['top-p'], { above: 0, max: 1 }),
    topK: v['top-k'] === undefined ? d.topK : parseNumber('--top-k', v['top-k'], { integer: true, min: 0 }),
    seed: v.seed === undefined ? d.seed : parseNumber('--seed', v.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
  };
}

/** The prompt's ids: --ids as given, or --prompt encoded (wrapped in the chat template with --chat). */
function promptIds(v: Values, tokenizer: TextTokenizer | null, source: string): number[] {
  if (v.ids !== undefined) return parseIds(v.ids);
  if (!tokenizer) throw new UsageError(`--prompt needs a tokenizer, but ${source} has no tokenizer.json; give token ids with --ids 1,2,3`);
  if (!v.chat) return tokenizer.encode(v.prompt!);
  if (!tokenizer.hasChatTemplate) throw new UsageError(`--chat needs a chat template, but ${source} has none; drop --chat to use the prompt as plain text`);
  const text = tokenizer.applyChatTemplate([{ role: 'user', content: v.prompt! }], { addGenerationPrompt: true });
  // Templates that write the BOS token themselves must not get a second one from encode.
  const bos = tokenizer.hf.bos_token;
  return tokenizer.encode(text, { addSpecialTokens: !(bos && text.startsWith(bos)) });
}

/**
 * Writes generated text as it grows. Holds back a trailing incomplete UTF-8 character and anything
 * that could still become a stop string, which is never printed.
 */
function textStreamer(decode: (ids: number[]) => string, stops: string[]) {
  const ids: number[] = [];
  const holdBack = Math.max(0, ...stops.map((s) => s.length - 1));
  let printed = 0;
  return {
    push(id: number) {
      ids.push(id);
      let text = decode(ids);
      const cuts = stops.map((s) => text.indexOf(s)).filter((i) => i >= 0);
      text = cuts.length ? text.slice(0, Math.min(...cuts)) : text.slice(0, text.length - holdBack);
      text = text.replace(/[\uFFFD\uD800-\uDBFF]+$/, '');
      if (text.length > printed) process.stdout.write(text.slice(printed));
      printed = Math.max(printed, text.length);
    },
    end(finalText: string) {
      process.stdout.write(`${finalText.slice(printed)}\n`);
    },
  };
}

export const generate: Command = {
  summary: 'Generate text (or token ids) from a prompt, streamed as it comes',
  help: `Usage: generate --model SRC (--ids 1,2,3 | --prompt TEXT) --max-new-tokens N [options]

  --model SRC           model folder, http(s) URL, or Hugging Face id (config.json + safetensors)
  --ids LIST            prompt as comma-separated token ids, e.g. 1,17,42
  --prompt TEXT         prompt as text (needs the model's tokenizer.json)
  --chat                wrap --prompt as a user message in the model's chat template
  --max-new-tokens N    stop after N new tokens (or earlier at the end-of-sequence token)
  --greedy              always take the most likely token (default: sample)
  --temperature T       sampling temperature, 0 = greedy (default ${SAMPLING_DEFAULTS.temperature})
  --top-p P             keep the most likely tokens up to probability P (default ${SAMPLING_DEFAULTS.topP})
  --top-k K             keep the K most likely tokens, 0 = all (default ${SAMPLING_DEFAULTS.topK})
  --seed S              sampling seed (default ${SAMPLING_DEFAULTS.seed})
  --stop STR            stop before this text; repeatable (needs a tokenizer)
  --backend B           wasm or cpu (default: the first that starts)
  --json                no streaming; last stdout line: {"ids":[...generated ids...],"text":"..."}
                        ("text" only when the model has a tokenizer)`,

  async run(argv) {
    const v = parseOptions('generate', argv, OPTIONS);
    const source = required(v.model, '--model SRC', 'generate');
    if ((v.ids === undefined) === (v.prompt === undefined)) throw new UsageError('give exactly one of --ids 1,2,3 or --prompt TEXT (see "generate --help")');
    if (v.chat && v.prompt === undefined) throw new UsageError('--chat applies to --prompt TEXT; give the prompt as text, or drop --chat');
    const maxNewTokens = parseNumber('--max-new-tokens', required(v['max-new-tokens'], '--max-new-tokens N', 'generate'), { integer: true, min: 1 });
    const sampling = samplingOptions(v);
    const stops = v.stop ?? [];
    const backend = parseBackend(v.backend);

    const { model, tokenizer } = await loadModel(source, backend);
    if (stops.length && !tokenizer) throw new UsageError(`--stop needs a tokenizer, but ${source} has no tokenizer.json; drop --stop`);
    const prompt = promptIds(v, tokenizer, source);
    checkIdsInVocab(prompt, model.config.vocabSize, v.ids !== undefined ? '--ids' : 'the encoded prompt');

    const decode = tokenizer ? (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true }) : undefined;
    const streamer = !v.json && decode ? textStreamer(decode, stops) : undefined;
    const onToken = v.json ? undefined : (_row: number, id: number, step: number) => {
      if (streamer) streamer.push(id);
      else process.stdout.write(`${step ? ' ' : ''}${id}`);
    };
    const result = await generateIds(model, [prompt], { ...sampling, maxNewTokens, stopStrings: stops, decode, onToken });
    model.dispose();

    const ids = result.ids[0];
    const text = result.text?.[0];
    if (streamer) streamer.end(text!);
    else if (!v.json) process.stdout.write('\n');
    const seconds = (result.prefillMs + result.decodeMs) / 1000;
    log(
      `${prompt.length} prompt + ${ids.length} new tokens in ${seconds.toFixed(2)} s ` +
        `(prefill ${result.prefillMs.toFixed(0)} ms, ${(ids.length / seconds).toFixed(1)} tokens/s), finished by ${result.finishReasons[0]}`,
    );
    if (v.json) process.stdout.write(`${JSON.stringify({ ids, ...(text !== undefined && { text }) })}\n`);
  },
};
