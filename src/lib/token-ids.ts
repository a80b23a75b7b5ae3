// Prompts for models without a tokenizer: token ids typed as text, e.g. "1 17 42" or "1, 17, 42".

/** The ids in `text` (separated by spaces and/or commas); throws a readable error on anything else. */
export function parseTokenIds(text: string, vocabSize?: number): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('Enter at least one token id, e.g. "1 17 42".');
  return parts.map((part) => {
    if (!/^\d+$/.test(part)) throw new Error(`"${part}" is not a token id; give whole numbers separated by spaces or commas.`);
    const id = Number(part);
    if (vocabSize !== undefined && id >= vocabSize) throw new Error(`Token id ${id} is outside the vocabulary (0 to ${vocabSize - 1}).`);
    return id;
  });
}
