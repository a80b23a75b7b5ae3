// Byte-level pre-tokenization, exactly as transformers.js 4 (@huggingface/tokenizers 0.2) runs the
// pre_tokenizer we write: cut out special tokens, isolate every number character, split with
// GPT-2's pattern, map each piece's UTF-8 bytes to GPT-2's printable alphabet. Training counts
// these pieces, so merges are learned on the very units that inference encodes.

/** GPT-2's reversible byte → printable-character map: byte b is written BYTE_CHARS[b]. */
export const BYTE_CHARS: readonly string[] = (() => {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(printable(b) ? b : next++));
})();

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } as const;

/**
 * `\p{N}` rather than `\d`: it means the same in Oniguruma (Python/Rust tokenizers) and in JS
 * (transformers.js rewrites `\d` to `\p{Nd}`, Rust's Ruby syntax reads it as ASCII), and it is
 * the class GPT-2's pattern groups as numbers, so no number character is ever glued to another.
 */
export const PRE_TOKENIZER = {
  type: 'Sequence',
  pretokenizers: [{ type: 'Split', pattern: { Regex: '\\p{N}' }, behavior: 'Isolated', invert: false }, BYTE_LEVEL],
} as const;
export const DECODER = BYTE_LEVEL;

const NUMBER_CHAR = /\p{N}/gu;
/** The ByteLevel pre-tokenizer's pattern for use_regex: true, verbatim from transformers.js. */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text between special tokens (which are dropped). Longest first, so the alternation picks
 * the leftmost-longest special, as the added-token splitter does.
 */
export function splitOnSpecials(specials: readonly string[]): (text: string) => string[] {
  if (specials.length === 0) return (text) => [text];
  const alternatives = [...specials].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'u');
  return (text) => text.split(pattern);
}

/** Pre-tokens of text that holds no special token, still as text (not yet byte characters). */
export function* preTokens(text: string): Generator<string> {
  let prev = 0;
  for (const m of text.matchAll(NUMBER_CHAR)) {
    if (prev < m.index) yield* text.slice(prev, m.index).match(GPT2_PATTERN) ?? [];
    yield m[0]; // a lone number character is one GPT-2 piece
    prev = m.index + m[0].length;
  }
  if (prev < text.length) yield* text.slice(prev).match(GPT2_PATTERN) ?? [];
}

const utf8 = new TextEncoder();

export function toByteChars(piece: string): string {
  let out = '';
  for (const b of utf8.encode(piece)) out += BYTE_CHARS[b];
  return out;
}
