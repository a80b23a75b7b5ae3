// BPE training over counted words: repeatedly merge the most frequent adjacent pair. Pair counts
// are kept up to date incrementally (only the words that hold the merged pair are touched), and a
// heap with lazy re-checks finds the best pair; ties go to the lexicographically smaller
// (left, right) so the result depends on nothing but the counts.
import { Heap } from './heap';
import { BYTE_CHARS } from './pretokenize';

export interface LearnedBpe {
  /** Token strings by id: the 256 byte characters in byte order, then merged tokens. */
  tokens: string[];
  /** Merges in rank order, as (left, right) token strings. */
  merges: [string, string][];
}

/** Pair (a, b) as one number; token ids stay far below KEY_BASE. */
const KEY_BASE = 2 ** 24;
const keyOf = (a: number, b: number) => a * KEY_BASE + b;

type Entry = { key: number; count: number };

/**
 * Learns merges until there are `maxTokens` tokens, no pair is left, or the best pair occurs
 * fewer than `minFrequency` times. `wordCounts` maps byte-character words to their counts.
 */
export function learnMerges(wordCounts: ReadonlyMap<string, number>, maxTokens: number, minFrequency: number): LearnedBpe {
  if (maxTokens >= KEY_BASE) throw new Error(`BPE: at most ${KEY_BASE - 1} tokens, asked for ${maxTokens}`);
  const tokens = [...BYTE_CHARS];
  const idOf = new Map(tokens.map((t, id) => [t, id]));
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [word, count] of wordCounts) {
    words.push(Array.from(word, (c) => idOf.get(c)!));
    freqs.push(count);
  }

  const counts = new Map<number, number>();
  /** Words that held the pair at some point (a superset; checked before use). */
  const where = new Map<number, Set<number>>();
  const bump = (key: number, delta: number) => {
    const c = (counts.get(key) ?? 0) + delta;
    if (c === 0) counts.delete(key);
    else counts.set(key, c);
  };
  const forPairs = (w: number, f: (key: number, a: number, b: number) => void) => {
    const s = words[w];
    for (let i = 0; i + 1 < s.length; i++) f(keyOf(s[i], s[i + 1]), s[i], s[i + 1]);
  };
  const addWord = (w: number, onPair?: (key: number, a: number, b: number) => void) =>
    forPairs(w, (key, a, b) => {
      bump(key, freqs[w]);
      let set = where.get(key);
      if (!set) where.set(key, (set = new Set()));
      set.add(w);
      onPair?.(key, a, b);
    });
  const removeWord = (w: number) => forPairs(w, (key) => bump(key, -freqs[w]));

  const heap = new Heap<Entry>((x, y) => {
    if (x.count !== y.count) return x.count > y.count;
    const [xa, xb, ya, yb] = [tokens[Math.floor(x.key / KEY_BASE)], tokens[x.key % KEY_BASE], tokens[Math.floor(y.key / KEY_BASE)], tokens[y.key % KEY_BASE]];
    return xa !== ya ? xa < ya : xb < yb;
  });
  for (let w = 0; w < words.length; w++) addWord(w);
  for (const [key, count] of counts) heap.push({ key, count });

  const merges: [string, string][] = [];
  while (tokens.length < maxTokens && heap.size > 0) {
    const top = heap.pop()!;
    const count = counts.get(top.key) ?? 0;
    // A stale entry (its pair's count fell since) is re-queued at the true count.
    if (count !== top.count) {
      if (count > 0) heap.push({ key: top.key, count });
      continue;
    }
    if (count < minFrequency) break;
    const a = Math.floor(top.key / KEY_BASE);
    const b = top.key % KEY_BASE;
    const merged = tokens[a] + tokens[b];
    // Two merge paths can spell the same token ("ab"+"c", "a"+"bc"): both merges, one token.
    let n = idOf.get(merged);
    if (n === undefined) {
      n = tokens.push(merged) - 1;
      idOf.set(merged, n);
    }
    merges.push([tokens[a], tokens[b]]);

    const fresh = new Set<number>();
    for (const w of where.get(top.key)!) {
      if (!holdsPair(words[w], a, b)) continue;
      removeWord(w);
      words[w] = mergePair(words[w], a, b, n);
      addWord(w, (key, x, y) => (x === n || y === n) && fresh.add(key));
    }
    where.delete(top.key);
    // Pairs with the new token are the only ones whose counts grew; queue them at their final count.
    for (const key of fresh) {
      const c = counts.get(key);
      if (c) heap.push({ key, count: c });
    }
  }
  return { tokens, merges };
}

function holdsPair(s: number[], a: number, b: number): boolean {
  for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) return true;
  return false;
}

/** Left to right, as BPE applies a merge: "a a a" with (a, a) gives "aa a". */
function mergePair(s: number[], a: number, b: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
      out.push(n);
      i++;
    } else out.push(s[i]);
  }
  return out;
}
