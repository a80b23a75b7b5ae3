// generate: text (or ids) from a prompt with the KV-cache generator, streamed as it comes.
import type { SamplingOptions } from '../../models/sampling';
import { generate as generateIds } from '../../models/generate';
import type { TextTokenizer } from '../../models/tokenizer';
import { BACKEND_OPTION, checkIdsInVocab, command, FORCE_OPTION, parseIds, THREADS_OPTION, UsageError, type OptionValues } from '../args';
import { loadModel, log } from '../load';

/** Sampling defaults: the model's own distribution, reproducible by seed. */
export const SAMPLING_DEFAULTS = { temperature: 1, topP: 1, topK: 0, seed: 0 };

const SAMPLING_FLAGS = ['temperature', 'top-p', 'top-k', 'seed'] as const;

function samplingOptions(v: OptionValues<typeof generate.options>, given: ReadonlySet<string>): SamplingOptions & { seed: number } {
  if (!v.greedy) return { temperature: v.temperature, topP: v['top-p'], topK: v['top-k'], seed: v.seed };
  const extra = SAMPLING_FLAGS.filter((f) => given.has(f));
  if (extra.length) throw new UsageError(`--greedy ignores ${extra.map((f) => `--${f}`).join(', ')}; drop them, or drop --greedy to sample`);
  return { greedy: true, seed: v.seed };
}

/** The prompt's ids: --ids as given, or --prompt encoded (wrapped in the chat template with --chat). */
function promptIds(v: OptionValues<typeof generate.options>, tokenizer: TextTokenizer | null, source: string): number[] {
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

export const generate = command({
  summary: 'Generate text (or token ids) from a prompt, streamed as it comes',
  usage: 'generate --model SRC (--ids 1,2,3 | --prompt TEXT) --max-new-tokens N [options]',
  options: {
    model: { kind: 'string', arg: 'SRC', required: true, help: 'model folder, http(s) URL, or Hugging Face id (config.json + safetensors)' },
    ids: { kind: 'string', arg: 'LIST', help: 'prompt as comma-separated token ids, e.g. 1,17,42' },
    prompt: { kind: 'string', arg: 'TEXT', help: "prompt as text (needs the model's tokenizer.json)" },
    chat: { kind: 'flag', help: "wrap --prompt as a user message in the model's chat template" },
    'max-new-tokens': { kind: 'number', integer: true, min: 1, required: true, help: 'stop after N new tokens (or earlier at the end-of-sequence token)' },
    greedy: { kind: 'flag', help: 'always take the most likely token (default: sample)' },
    temperature: { kind: 'number', arg: 'T', min: 0, default: SAMPLING_DEFAULTS.temperature, help: 'sampling temperature, 0 = greedy' },
    'top-p': { kind: 'number', arg: 'P', above: 0, max: 1, default: SAMPLING_DEFAULTS.topP, help: 'keep the most likely tokens up to probability P' },
    'top-k': { kind: 'number', arg: 'K', integer: true, min: 0, default: SAMPLING_DEFAULTS.topK, help: 'keep the K most likely tokens, 0 = all' },
    seed: { kind: 'number', arg: 'S', integer: true, min: 0, max: 2 ** 32 - 1, default: SAMPLING_DEFAULTS.seed, help: 'sampling seed' },
    stop: { kind: 'string', arg: 'STR', multiple: true, help: 'stop before this text; repeatable (needs a tokenizer)' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    force: FORCE_OPTION,
    json: { kind: 'flag', help: 'no streaming; last stdout line: {"ids":[...generated ids...],"text":"..."}\n("text" only when the model has a tokenizer)' },
  },

  async run(v, { given }) {
    const source = v.model;
    if ((v.ids === undefined) === (v.prompt === undefined)) throw new UsageError('give exactly one of --ids 1,2,3 or --prompt TEXT (see "generate --help")');
    if (v.chat && v.prompt === undefined) throw new UsageError('--chat applies to --prompt TEXT; give the prompt as text, or drop --chat');
    const maxNewTokens = v['max-new-tokens'];
    const sampling = samplingOptions(v, given);
    const stops = v.stop ?? [];

    const { model, tokenizer } = await loadModel(source, v.backend, { force: v.force, threads: v.threads });
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
});
