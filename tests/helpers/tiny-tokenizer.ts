// A real Hugging Face byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json) small
// enough for the random 320-token tiny-llama-ref fixture, so text paths can be tested without
// downloading a model. Ids: 0..2 specials, 3..258 the 256 bytes, then merged tokens up to 319.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from './shared';
import { BYTE_CHARS } from '../../src/lib/tokenizer-build/pretokenize';

export const TINY_VOCAB_SIZE = 320;
const SPECIALS = ['<unk>', '<s>', '</s>'] as const;

/** Merges in rank order; each part must already be a token (a byte or an earlier merge). */
const MERGES: [string, string][] = [
  ['Ġ', 't'], ['h', 'e'], ['Ġt', 'he'], ['Ġ', 'a'], ['i', 'n'], ['e', 'r'], ['o', 'n'], ['Ġ', 's'],
  ['r', 'e'], ['a', 'n'], ['Ġ', 'w'], ['Ġ', 'o'], ['a', 't'], ['e', 'n'], ['o', 'r'], ['i', 's'],
  ['Ġ', 'c'], ['Ġ', 'f'], ['Ġ', 'b'], ['Ġ', 'h'], ['Ġ', 'm'], ['Ġ', 'd'], ['Ġ', 'p'], ['i', 't'],
  ['e', 's'], ['e', 'd'], ['a', 'r'], ['a', 'l'], ['Ġ', 'i'], ['Ġ', 'n'], ['o', 'u'], ['l', 'e'],
  ['Ġa', 'n'], ['Ġan', 'd'], ['in', 'g'], ['Ġo', 'f'], ['Ġt', 'o'], ['Ġ', 'in'], ['Ġh', 'a'],
  ['Ġha', 's'], ['Ġt', 'h'], ['Ġth', 'at'], ['Ġw', 'a'], ['Ġwa', 's'], ['Ġ', '1'], ['Ġ', '2'],
  ['Ġ', '3'], ['Ġ', '='], ['Ġ', '+'], ['Ġ', '*'], ['Ġi', 's'], ['Ġi', 't'],
];

export function makeByteTokenizer(): { tokenizerJson: object; tokenizerConfig: object } {
  const vocab: Record<string, number> = {};
  const add = (token: string) => {
    if (token in vocab) throw new Error(`tiny tokenizer: duplicate token ${JSON.stringify(token)}`);
    vocab[token] = Object.keys(vocab).length;
  };
  SPECIALS.forEach(add);
  BYTE_CHARS.forEach(add);
  for (const [a, b] of MERGES) {
    if (!(a in vocab) || !(b in vocab)) throw new Error(`tiny tokenizer: merge "${a} ${b}" uses an unknown token`);
    add(a + b);
  }
  if (Object.keys(vocab).length > TINY_VOCAB_SIZE) throw new Error(`tiny tokenizer: ${Object.keys(vocab).length} tokens > ${TINY_VOCAB_SIZE}`);

  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null, // every byte has a token, so nothing is unknown
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: MERGES.map(([a, b]) => `${a} ${b}`),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    clean_up_tokenization_spaces: false,
    model_max_length: 256,
    chat_template:
      '{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}',
  };
  return { tokenizerJson, tokenizerConfig };
}

/** tokenizer.json and tokenizer_config.json of the tiny tokenizer, written into `dir`. */
export function writeTokenizerFiles(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const { tokenizerJson, tokenizerConfig } = makeByteTokenizer();
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
  return dir;
}

/** The tiny-llama-ref config and weights in `dir`, plus the tiny tokenizer files when asked. */
export function writeTinyModelFolder(dir: string, opts: { withTokenizer: boolean }): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(sharedPath('fixtures', 'tiny-llama-ref', f), path.join(dir, f));
  return opts.withTokenizer ? writeTokenizerFiles(dir) : dir;
}
