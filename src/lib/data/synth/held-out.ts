// Which tuples of numbers are held out for evaluation. A question's tuple (the numbers it states, as
// a multiset) decides its side; an arithmetic fact's operands are such a tuple too, so pretraining
// facts skip held-out pairs as problems do.
import { hash32 } from './rng';

/** One tuple of numbers in this many is held out for evaluation. */
export const HELD_OUT_SHARE = 8;

/** Whether the tuple of numbers in `text` (a question, or a fact's "a op b") is held out. */
export function isHeldOut(text: string): boolean {
  const numbers = (text.match(/\d+/g) ?? []).map(Number).sort((a, b) => a - b);
  return hash32(...numbers, numbers.length) % HELD_OUT_SHARE === 0;
}
