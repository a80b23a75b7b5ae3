import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDirFiles } from '../models/files';
import { fromPretrained } from '../models/from-pretrained';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { skipUnlessShared } from './helpers/shared';
import { useBackend } from './helpers/tf';
import { makeByteTokenizer, TINY_VOCAB_SIZE, writeTinyModelFolder, writeTokenizerFiles } from './helpers/tiny-tokenizer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distill-tokenizer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tiny byte-level BPE tokenizer (through transformers.js)', () => {
  let tok: TextTokenizer;
  beforeAll(async () => {
    tok = (await loadTokenizer(nodeDirFiles(writeTokenizerFiles(path.join(tmp, 'tok')))))!;
  });

  it('fits the 320-token fixture vocabulary, specials first', () => {
    const { tokenizerJson } = makeByteTokenizer() as { tokenizerJson: { model: { vocab: Record<string, number> } } };
    const ids = Object.values(tokenizerJson.model.vocab).sort((a, b) => a - b);
    expect(ids.length).toBeLessThanOrEqual(TINY_VOCAB_SIZE);
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(tok.hf.convert_tokens_to_ids(['<unk>', '<s>', '</s>'])).toEqual([0, 1, 2]);
    expect(tok.bosTokenId).toBe(1);
    expect(tok.eosTokenId).toBe(2);
  });

  it.each(['Janet has 3 ducks. Café ✓', 'the the the', '  tabs\tand\nnewlines  ', 'emoji 🦆 and 中文'])('round-trips %j', (text) => {
    const ids = tok.encode(text);
    expect(ids[0]).toBe(1); // BOS from the TemplateProcessing post-processor
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < TINY_VOCAB_SIZE)).toBe(true);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe(text);
    expect(tok.decode(ids)).toBe(`<s>${text}`);
    expect(tok.decode(tok.encode(text, { addSpecialTokens: false }))).toBe(text);
  });

  it('applies its merges', () => {
    const ids = tok.encode('the the the', { addSpecialTokens: false });
    expect(ids.length).toBeLessThan(new TextEncoder().encode('the the the').length);
    expect(ids).toEqual(tok.hf.convert_tokens_to_ids(['t', 'he', 'Ġthe', 'Ġthe']));
  });

  it('renders its chat template', () => {
    const text = tok.applyChatTemplate([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(tok.hasChatTemplate).toBe(true);
    expect(text).toBe('<|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\n');
  });

  it('is null for a folder without tokenizer.json', async () => {
    expect(await loadTokenizer(nodeDirFiles(tmp))).toBeNull();
  });
});

describe('tiny model folder', () => {
  beforeAll(() => useBackend('cpu'));

  it('loads with the tokenizer, or without it', async (ctx) => {
    skipUnlessShared(ctx, 'fixtures', 'tiny-llama-ref');
    const log = () => undefined;
    const withTok = await fromPretrained(writeTinyModelFolder(path.join(tmp, 'with'), { withTokenizer: true }), { log });
    expect(withTok.config.vocabSize).toBe(TINY_VOCAB_SIZE);
    expect(withTok.config.bosTokenId).toBe(withTok.tokenizer?.bosTokenId);
    expect(withTok.config.eosTokenIds).toEqual([withTok.tokenizer?.eosTokenId]);
    withTok.model.dispose();
    const without = await fromPretrained(writeTinyModelFolder(path.join(tmp, 'without'), { withTokenizer: false }), { log });
    expect(without.tokenizer).toBeNull();
    without.model.dispose();
  });
});
