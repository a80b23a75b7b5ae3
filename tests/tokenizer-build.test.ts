import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDirFiles } from '../models/files';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { pretrainCorpus, synthDataset, synthEvalSet } from '../src/lib/data/synth';
import { Rng } from '../models/random';
import { countWords, DEFAULT_SPECIAL_TOKENS, trainByteLevelBpe, writeTokenizerFiles, type TokenizerFiles } from '../src/lib/tokenizer-build';
import { learnMerges } from '../src/lib/tokenizer-build/learn-merges';
import { BYTE_CHARS, preTokens, toByteChars } from '../src/lib/tokenizer-build/pretokenize';

const VOCAB = 1024;
const SPECIALS = DEFAULT_SPECIAL_TOKENS; // <|endoftext|> 0, <|im_start|> 1, <|im_end|> 2
const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-tokenizer-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function trainingTexts(): string[] {
  const records = synthDataset({ n: 2000, seed: 1 });
  return [...pretrainCorpus({ n: 3000, seed: 1 }), ...records.flatMap((r) => [r.question, r.answer, r.generation])];
}

const SAMPLES = [
  'Café ✓ 日本',
  'emoji 🦆 and 中文, ½ and ² and ٣٤',
  'Janet has 3 ducks.\nShe eats 12 eggs.\n\n\tTabs  and   spaces  ',
  '#### 1,234',
  '<think>\nOkay, 8 × 14 = 112.\n</think>\n\nThe answer is 112.\n#### 112',
  "It's $4.50 (don't) — they'll've x1y2 ",
  'The machine makes 20 * 9 = <<20*9=180>>180 hats.',
  ' leading space, trailing newline\n',
];

describe('byte-level BPE trained on the synth corpus (loaded by transformers.js)', () => {
  let files: TokenizerFiles;
  let tok: TextTokenizer;
  let texts: string[];
  beforeAll(async () => {
    texts = trainingTexts();
    const t0 = performance.now();
    files = trainByteLevelBpe(texts, { vocabSize: VOCAB, specialTokens: SPECIALS });
    const seconds = (performance.now() - t0) / 1000;
    const chars = texts.reduce((n, t) => n + t.length, 0);
    console.log(`tokenizer-build: trained vocab ${VOCAB} on ${texts.length} texts (${(chars / 1e6).toFixed(2)} M chars) in ${seconds.toFixed(2)} s`);
    await writeTokenizerFiles(path.join(tmp, 'tok'), files);
    tok = (await loadTokenizer(nodeDirFiles(path.join(tmp, 'tok'))))!;
  });

  it('lays out specials, then the 256 bytes, then the merges, filling the vocabulary', () => {
    const { vocab, merges } = files.tokenizerJson.model;
    const ids = Object.values(vocab).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: VOCAB }, (_, i) => i));
    expect(merges.length).toBe(VOCAB - SPECIALS.length - 256);
    expect(tok.hf.convert_tokens_to_ids([...SPECIALS])).toEqual([0, 1, 2]);
    expect(tok.hf.convert_tokens_to_ids([...BYTE_CHARS])).toEqual(BYTE_CHARS.map((_, b) => SPECIALS.length + b));
    expect(tok.hf.model_max_length).toBe(2048);
  });

  it('pre-tokenizes exactly as transformers.js does, so training sees what inference encodes', () => {
    const inference = (tok.hf as unknown as { _tokenizer: { pre_tokenizer: (t: string) => string[] } })._tokenizer.pre_tokenizer;
    for (const text of [...SAMPLES, ...texts.slice(0, 300), ...texts.slice(-300)]) {
      expect([...preTokens(text)].map(toByteChars)).toEqual(inference(text));
    }
  });

  it.each(SAMPLES)('round-trips %j', (text) => {
    const ids = tok.encode(text);
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < VOCAB)).toBe(true);
    expect(tok.decode(ids)).toBe(text);
  });

  it('splits numbers into single digits, and no token holds a digit with anything else', () => {
    const { vocab } = files.tokenizerJson.model;
    const tokenOf = new Map(Object.entries(vocab).map(([t, id]) => [id, t]));
    const tokens = (text: string) => tok.encode(text).map((id) => tokenOf.get(id));
    expect(tokens('12345')).toEqual(['1', '2', '3', '4', '5']);
    expect(tokens(' 2024 books')).toEqual(['Ġ', '2', '0', '2', '4', 'Ġbooks']);
    expect(Object.keys(vocab).filter((t) => /[0-9]/.test(t)).sort()).toEqual([...'0123456789']);
  });

  it('makes frequent words single tokens', () => {
    for (const word of [' the', ' How', ' many', ' each', ' total', ' answer', ' minutes', ' books', 'Okay', '####']) {
      expect(tok.encode(word), word).toHaveLength(1);
    }
    // GPT-2's pattern parts punctuation from letters, so a tag is three frequent tokens.
    expect(tok.encode('<think>')).toHaveLength(3);
    expect(tok.encode('</think>')).toHaveLength(3);
  });

  it('encodes special tokens as their single ids and renders ChatML', () => {
    expect(tok.encode('<|im_end|>')).toEqual([2]);
    expect(tok.encode('<|endoftext|>')).toEqual([0]);
    expect(tok.bosTokenId).toBe(0);
    expect(tok.eosTokenId).toBe(2);
    expect(tok.hf.pad_token_id).toBe(0);
    const chat = tok.applyChatTemplate([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is 2 + 3?' },
    ]);
    expect(chat).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n');
    const ids = tok.encode(chat);
    expect(ids.filter((id) => id === 1)).toHaveLength(3);
    expect(ids.filter((id) => id === 2)).toHaveLength(2);
    expect(tok.decode(ids)).toBe(chat);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('system\nBe brief.\nuser\nWhat is 2 + 3?\nassistant\n');
  });

  it('is deterministic: training again writes the same files', async () => {
    const again = trainByteLevelBpe(trainingTexts(), { vocabSize: VOCAB, specialTokens: SPECIALS });
    expect(JSON.stringify(again)).toBe(JSON.stringify(files));
    await writeTokenizerFiles(path.join(tmp, 'again'), again);
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
      expect(readFileSync(path.join(tmp, 'again', f))).toEqual(readFileSync(path.join(tmp, 'tok', f)));
    }
  });

  it('compresses held-out synth text well below 0.5 tokens per character', () => {
    const evalText = synthEvalSet({ n: 200, seed: 1 }).map((r) => `${r.question}\n${r.answer}`);
    const generations = synthDataset({ n: 200, seed: 7 }).map((r) => r.generation);
    for (const [name, docs] of [['eval question+answer', evalText], ['generations (seed 7)', generations]] as const) {
      const chars = docs.reduce((n, t) => n + t.length, 0);
      const tokens = docs.reduce((n, t) => n + tok.encode(t).length, 0);
      console.log(`tokenizer-build: ${name}: ${(tokens / chars).toFixed(3)} tokens/char (${tokens} tokens, ${chars} chars)`);
      expect(tokens / chars).toBeLessThan(0.5);
    }
  });
});

describe('learnMerges', () => {
  /** Recounts every pair before every merge: slow, but obviously right. Same tie-break. */
  function naiveMerges(counts: Map<string, number>, maxTokens: number, minFrequency: number): [string, string][] {
    const words = [...counts].map(([w, f]) => ({ s: [...w], f }));
    const merges: [string, string][] = [];
    const vocab = new Set(BYTE_CHARS);
    while (vocab.size < maxTokens) {
      const pairs = new Map<string, { a: string; b: string; n: number }>();
      for (const { s, f } of words) {
        for (let i = 0; i + 1 < s.length; i++) {
          const k = JSON.stringify([s[i], s[i + 1]]);
          const p = pairs.get(k) ?? { a: s[i], b: s[i + 1], n: 0 };
          p.n += f;
          pairs.set(k, p);
        }
      }
      const best = [...pairs.values()].sort((x, y) => y.n - x.n || (x.a !== y.a ? (x.a < y.a ? -1 : 1) : x.b < y.b ? -1 : 1))[0];
      if (!best || best.n < minFrequency) break;
      merges.push([best.a, best.b]);
      vocab.add(best.a + best.b);
      for (const w of words) {
        const out: string[] = [];
        for (let i = 0; i < w.s.length; i++) {
          if (w.s[i] === best.a && w.s[i + 1] === best.b) out.push(w.s[i++] + best.b);
          else out.push(w.s[i]);
        }
        w.s = out;
      }
    }
    return merges;
  }

  it('learns the same merges as a naive BPE that recounts every pair', () => {
    const counts = countWords(
      [...pretrainCorpus({ n: 150, seed: 3 }), 'aaaa aaa aa', 'abcabc abab bcbc', 'Café ✓ 日本 日本語', "don't we'll"],
      SPECIALS,
    );
    for (const [maxTokens, minFrequency] of [[600, 2], [900, 1]]) {
      expect(learnMerges(counts, maxTokens, minFrequency).merges).toEqual(naiveMerges(counts, maxTokens, minFrequency));
    }
  });

  it('skips special tokens in the training text', () => {
    const counts = countWords(['hi<|im_end|>there<|im_start|>'], SPECIALS);
    expect([...counts.keys()]).toEqual(['hi', 'there']);
  });
});

describe('trainByteLevelBpe at scale', () => {
  /** ~5 MB of seeded gibberish over a 60,000-word lexicon: far more distinct words than synth has. */
  function gibberish(bytes: number): string[] {
    const rng = new Rng(5);
    const letter = () => 'etaoinshrdlcumwfgypbvkjxqz'[Math.floor(26 * rng.next() ** 2)];
    const lexicon = Array.from({ length: 60_000 }, () => Array.from({ length: 2 + Math.floor(rng.next() * 9) }, letter).join(''));
    const docs: string[] = [];
    for (let size = 0; size < bytes; size += docs[docs.length - 1].length) {
      const words = Array.from({ length: 100 }, () => lexicon[Math.floor(lexicon.length * rng.next() ** 3)] + (rng.next() < 0.1 ? ` ${Math.floor(rng.next() * 1000)},` : ''));
      docs.push(`${words.join(' ')}.`);
    }
    return docs;
  }

  it('trains vocab 2048 on 5 MB of text (its time printed, not a pass mark)', () => {
    const docs = gibberish(5e6);
    const t0 = performance.now();
    const { tokenizerJson } = trainByteLevelBpe(docs, { vocabSize: 2048, specialTokens: SPECIALS });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`tokenizer-build: vocab 2048 on 5 MB (${countWords(docs, SPECIALS).size} distinct words) in ${seconds.toFixed(2)} s`);
    expect(Object.keys(tokenizerJson.model.vocab)).toHaveLength(2048);
  });
});

describe('trainByteLevelBpe options', () => {
  it('refuses a vocabulary without room for the bytes, or specials without the ChatML markers', () => {
    expect(() => trainByteLevelBpe(['x'], { vocabSize: 200, specialTokens: SPECIALS })).toThrow(/at least 259/);
    expect(() => trainByteLevelBpe(['x'], { vocabSize: 512, specialTokens: ['<|endoftext|>'] })).toThrow(/<\|im_start\|>/);
  });

  it('stops early when no pair is frequent enough', () => {
    const { tokenizerJson } = trainByteLevelBpe(['abab abab'], { vocabSize: 1000, specialTokens: SPECIALS });
    expect(tokenizerJson.model.merges).toEqual([['a', 'b'], ['ab', 'ab']]); // 'Ġabab' occurs once
  });
});
