// Stories of getting, losing, sharing and packing (synth's verbStories): drawn for their share of
// the one- and two-step training records only, held out like every record, exact in their
// arithmetic, some set at a time or a place, and leaving every other record as it was.
import { describe, expect, it } from 'vitest';
import { synthDataset, synthProblems } from '../src/lib/data/synth';
import { apply } from '../src/lib/data/synth/problem';
import { containsHeldOut } from '../src/lib/data/synth/held-out';
import { inflect, isVerbStory, VERB_STORY_FAMILIES } from '../src/lib/data/synth/verb-stories';

const N = 2000;
const MATH = { '+': '+', '-': '-', '*': '×', '/': '÷' } as const;
const plain = synthDataset({ n: N, seed: 11 });
const mixed = synthDataset({ n: N, seed: 11, verbStories: 0.4 });

describe('synth verbStories', () => {
  it('tells about its share of the one- and two-step records as stories, and no others', () => {
    const easy = mixed.filter((r) => r.difficulty <= 2);
    const stories = mixed.filter((r) => isVerbStory(r.template));
    expect(stories.every((r) => r.difficulty <= 2)).toBe(true);
    // 40% of about 1,000 records: a binomial's standard deviation is about 15.
    expect(Math.abs(stories.length - 0.4 * easy.length)).toBeLessThan(60);
    // Each family in about its weight.
    for (const { family, weight } of VERB_STORY_FAMILIES) {
      const share = stories.filter((r) => r.template === family.id).length / stories.length;
      expect(Math.abs(share - weight), family.id).toBeLessThan(0.08);
    }
  });

  it('leaves every record it does not replace exactly as without it', () => {
    mixed.forEach((r, i) => {
      if (!isVerbStory(r.template)) expect(r).toEqual(plain[i]);
    });
    expect(plain.some((r) => isVerbStory(r.template))).toBe(false);
  });

  it('writes stories whose worked answer computes what the question asks, on numbers no eval question states', () => {
    const problems = synthProblems({ n: N, seed: 11, verbStories: 0.4 });
    mixed.forEach((r, i) => {
      if (!isVerbStory(r.template)) return;
      const p = problems[i];
      expect(containsHeldOut(r.question), r.question).toBe(false);
      const worked = r.generation.split('</think>\n\n')[1].split('\n');
      expect(worked.at(-1)).toBe(`#### ${p.answer}`);
      p.steps.forEach((s, k) => {
        expect(apply(s.a, s.op, s.b)).toBe(s.result);
        expect(worked[k].startsWith(`${s.a} ${MATH[s.op]} ${s.b} = ${s.result} `), worked[k]).toBe(true);
        if (k < p.steps.length - 1) return;
        // A gain is asked as what someone has; a loss as what is left or what someone has now; a
        // share as what each gets; packing as the containers filled.
        const asked = {
          '+': /How (many \w[\w -]* (does|did) \w+ have (now|in the end)|much money (does|did) \w+ have (now|in the end))\?$/,
          '-': /How (many \w[\w -]* (does|did) \w+ have (now|left|in the end)|much money (does|did) \w+ have (now|in the end))\?$/,
          '*': /How many \w[\w -]* (does|did) \w+ have (now|in the end)\?$/,
          '/': /How many \w[\w -]* (does|did) (each \w+ get|\w+ fill)\?$/,
        }[s.op];
        expect(r.question).toMatch(asked);
      });
    });
  });

  it('tells every kind of step, and sets some stories at a time and some steps at a place', () => {
    const stories = mixed.filter((r) => isVerbStory(r.template));
    const ops = new Set(synthProblems({ n: N, seed: 11, verbStories: 0.4 }).flatMap((p, i) => (isVerbStory(mixed[i].template) ? p.steps.map((s) => s.op) : [])));
    expect([...ops].sort()).toEqual(['*', '+', '-', '/']);
    const timed = stories.filter((r) => /^(On|In|After|At|Today|This|Yesterday|Last) [^.]*, /.test(r.question)).length / stories.length;
    expect(timed).toBeGreaterThan(0.25);
    expect(timed).toBeLessThan(0.45);
    const placed = stories.filter((r) => / (at the|in [A-Z]|at school|at home|on the way) [^.?]*\./.test(r.question)).length / stories.length;
    expect(placed).toBeGreaterThan(0.2);
    // A verb's particle stays before its object ("deals out the pears"), never after "them".
    expect(stories.filter((r) => /\b(out|up|away|back|in) them\b/.test(r.question)).map((r) => r.question)).toEqual([]);
  });

  it('inflects every verb, particles kept, in the present and the past', () => {
    expect(inflect('pick up', 'present')).toBe('picks up');
    expect(inflect('pick up', 'past')).toBe('picked up');
    expect(inflect('drop', 'past')).toBe('dropped');
    expect(inflect('buy', 'past')).toBe('bought');
    expect(inflect('toss away', 'present')).toBe('tosses away');
    expect(inflect('gobble', 'past')).toBe('gobbled');
    expect(inflect('catch', 'present')).toBe('catches');
    expect(inflect('deal out', 'past')).toBe('dealt out');
    expect(inflect('divvy up', 'present')).toBe('divvies up');
    expect(inflect('bag', 'past')).toBe('bagged');
  });

  it('refuses a share outside 0..1', () => {
    expect(() => synthDataset({ n: 2, seed: 1, verbStories: 1.5 })).toThrow(/verbStories must be a share from 0 to 1, got 1.5/);
  });
});
