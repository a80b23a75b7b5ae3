// A run's SFT data as the scale-out engines read it: the examples the run trained on (same
// strategy, same records kept, same held-out split), one JSON line each. A chat-template run
// becomes `messages` (the engine applies the model's template, as we did); a plain-prompt run
// becomes prompt/completion ("Question: …\nAnswer:" and the answer after one space). Either way the
// loss falls on the completion only, as here.
import type { TextTokenizer } from '../../../models/tokenizer';
import { renderPrompt, resolvePromptStyle, type PromptStyle } from '../data/prompt-format';
import type { DataSource } from '../data/readers';
import type { ChatTurn } from '../data/types';
import type { RunFile } from '../pipeline/train';
import { eosOf } from '../data/tokenize';
import { holdOut, sftExamples } from '../train/prepare';
import { fingerprintExamples } from '../train/trainer';

export interface SftRows {
  style: PromptStyle;
  /** JSON lines, in file order. */
  train: string[];
  /** The run's held-out examples (its eval loss), when it held any out. */
  eval: string[];
  /** Records the strategy or the length limit left out, as the run's data report counted them. */
  skipped: number;
  /** Examples cut at the run's max length (the engines cut or drop them by their own rules). */
  truncated: number;
  /** The tokenizer's end-of-sequence token as text: the run trained it after every completion. */
  eosText: string;
}

type Row = { messages: ChatTurn[] } | { prompt: string; completion: string };

export async function sftRows(run: RunFile, data: DataSource, tokenizer: TextTokenizer): Promise<SftRows> {
  const style = resolvePromptStyle(tokenizer, run.promptStyle);
  const { items, report } = await sftExamples(data, { strategy: run.strategy, fieldMap: run.fieldMap, tokenizer, style, maxLength: run.config.maxLength });
  const split = holdOut(items, run.evalSize, run.config.seed, report.source);
  // The same examples as the run, or none: a moved file, other data or another tokenizer is refused.
  const fingerprint = fingerprintExamples(split.train.map((i) => i.tokenized!));
  if (fingerprint !== run.dataFingerprint) {
    throw new Error(
      `${report.source} now gives other training examples than run ${run.dataDescription} trained on (fingerprint ${fingerprint}, the run's ${run.dataFingerprint}): ` +
        'export from the data and model the run used (the page keeps a copy of its data beside the run)',
    );
  }
  const row = ({ example }: (typeof items)[number]): string => {
    const r: Row =
      style === 'chat'
        ? { messages: [...example.context, { role: 'assistant', content: example.completion }] }
        : (() => {
            const prompt = renderPrompt(example.context, 'plain', tokenizer);
            return { prompt: prompt.text, completion: prompt.completionPrefix + example.completion };
          })();
    return JSON.stringify(r);
  };
  const eosText = tokenizer.decode([eosOf(tokenizer, {})]);
  return { style, train: split.train.map(row), eval: split.eval.map(row), skipped: report.skipped.length, truncated: report.truncated, eosText };
}
