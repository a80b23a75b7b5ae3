// Which tuples of numbers are held out for evaluation. A question's tuple (the numbers it states, as
// a multiset) decides its side; the operands of an arithmetic fact or of any calculation a solution
// writes out are such a tuple too, so they skip held-out pairs as training questions skip held-out
// tuples.
import { hash32 } from './rng';

/** One tuple of numbers in this many is held out for evaluation. */
export const HELD_OUT_SHARE = 8;

const numbersIn = (text: string) => (text.match(/\d+/g) ?? []).map(Number);

/** Whether the tuple of numbers in `text` (a question, or a fact's "a op b") is held out. */
export function isHeldOut(text: string): boolean {
  const numbers = numbersIn(text).sort((a, b) => a - b);
  return hash32(...numbers, numbers.length) % HELD_OUT_SHARE === 0;
}

/**
 * Whether any run of the question's sentences (the whole question among them) states a held-out
 * tuple: an eval question's statements could otherwise sit inside a longer story, at its start or
 * after other sentences. Every question states two numbers or more, so a run with fewer is no eval
 * question's. Questions' sentences end in ". " (a test checks that no other punctuation could hide
 * a boundary).
 */
export function containsHeldOut(question: string): boolean {
  const sentences = question.split(/(?<=[.!?]) /);
  for (let i = 0; i < sentences.length; i++) {
    for (let j = i + 1; j <= sentences.length; j++) {
      const run = sentences.slice(i, j).join(' ');
      if (numbersIn(run).length >= 2 && isHeldOut(run)) return true;
    }
  }
  return false;
}
