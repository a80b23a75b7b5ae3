// GSM8K scoring against lm-evaluation-harness's rules; every expectation below is worked out
// by hand from the task files (../shared/data/lm-eval/*.yaml) and the harness's filter/metric code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  applyStops,
  chatAnswer,
  exactMatch,
  INVALID,
  pyStrip,
  regexFilter,
  REGEXES_TO_IGNORE,
  scoreCompletion,
  TASK_RULES,
  type ChatRule,
  type TaskName,
} from '../src/lib/eval/scoring';
import { mean, sampleStderr } from '../src/lib/eval/stats';
import { sharedPath, skipUnlessShared } from './helpers/shared';

/** A GSM8K-shaped answer: working, then "#### N". */
const gsm = (n: string): string => `She has 9 * 2 = <<9*2=18>>18 dollars.\n#### ${n}`;

interface Case {
  task: TaskName;
  completion: string;
  answer: string;
  strict: string;
  flexible: string;
  /** exact_match for [strict-match, flexible-extract] */
  em: [0 | 1, 0 | 1];
}

const I = INVALID;
const cases: [string, Case][] = [
  // Plain answer line; flexible's last match is the final "18" (the "$18." before it is also a match).
  ['gsm8k: answer line after working', { task: 'gsm8k', completion: 'She makes 9 * 2 = $18.\n#### 18', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // No "#### " at all: strict fails on \boxed{}; flexible finds "18" before "}" (the final "." alone is too short).
  ['gsm8k: \\boxed{} fails strict', { task: 'gsm8k', completion: 'So the answer is \\boxed{18}.', answer: gsm('18'), strict: I, flexible: '18', em: [0, 1] }],
  // "$" is not in the strict class, so "#### " can't be followed by it; flexible's class has "$" and "$" is ignored.
  ['gsm8k: "#### $18"', { task: 'gsm8k', completion: '#### $18', answer: gsm('18'), strict: I, flexible: '$18', em: [0, 1] }],
  // Commas are removed from both sides before comparing.
  ['gsm8k: thousands separator in the prediction', { task: 'gsm8k', completion: '#### 1,000', answer: gsm('1000'), strict: '1,000', flexible: '1,000', em: [1, 1] }],
  // ... and in the reference (GSM8K's test answers do have them, e.g. "#### 2,125").
  ['gsm8k: thousands separator in the reference', { task: 'gsm8k', completion: '#### 1000', answer: gsm('1,000'), strict: '1000', flexible: '1000', em: [1, 1] }],
  // The class takes the ".", and regexes_to_ignore drop one trailing ".".
  ['gsm8k: trailing period', { task: 'gsm8k', completion: '#### 18.', answer: gsm('18'), strict: '18.', flexible: '18.', em: [1, 1] }],
  // String comparison, not numeric: "18.00" ≠ "18".
  ['gsm8k: 18.00 vs 18', { task: 'gsm8k', completion: '#### 18.00', answer: gsm('18'), strict: '18.00', flexible: '18.00', em: [0, 0] }],
  // Strict takes the first "####" match, flexible the last number.
  ['gsm8k: two answer lines', { task: 'gsm8k', completion: '#### 18\n#### 20', answer: gsm('18'), strict: '18', flexible: '20', em: [1, 0] }],
  // A number after the answer wins flexible: "3" (one digit, so the second group).
  ['gsm8k: a number after the answer', { task: 'gsm8k', completion: '#### 18\nShe has 3 apples left.', answer: gsm('18'), strict: '18', flexible: '3', em: [1, 0] }],
  // Flexible: "-5" fails the first group ("5" is one char after "-"), the second takes "-5".
  ['gsm8k: negative', { task: 'gsm8k', completion: '#### -5', answer: gsm('-5'), strict: '-5', flexible: '-5', em: [1, 1] }],
  // Multi-digit negative: flexible's first group takes "-10".
  ['gsm8k: negative, two digits', { task: 'gsm8k', completion: 'It fell 10 degrees.\n#### -10', answer: gsm('-10'), strict: '-10', flexible: '-10', em: [1, 1] }],
  // "- 5": strict needs a digit after the optional "-"; flexible sees only "5".
  ['gsm8k: minus sign then a space', { task: 'gsm8k', completion: '#### - 5', answer: gsm('-5'), strict: I, flexible: '5', em: [0, 0] }],
  // Nothing to match: both fall back, and "[invalid]" never equals a number.
  ['gsm8k: empty completion', { task: 'gsm8k', completion: '', answer: gsm('18'), strict: I, flexible: I, em: [0, 0] }],
  // The fallback text itself is not special: it has no digits, so both filters still fail.
  ['gsm8k: completion "[invalid]"', { task: 'gsm8k', completion: '[invalid]', answer: gsm('18'), strict: I, flexible: I, em: [0, 0] }],
  // Flexible takes the last number anywhere, even inside <think>: "3" after the right "18".
  ['gsm8k: last number inside <think>', { task: 'gsm8k', completion: '<think>16 - 3 - 4 = 9 eggs, 9 * 2 = 18? Let me check 3 times.</think>', answer: gsm('18'), strict: I, flexible: '3', em: [0, 0] }],
  // Reasoning before the answer line does not matter once "#### 18" is last.
  ['gsm8k: <think> then the answer line', { task: 'gsm8k', completion: '<think>\n2 + 2 = 4\n</think>\n#### 18', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // ".5" is a 2-char flexible match; "0.5" is a different string.
  ['gsm8k: ".5" vs 0.5', { task: 'gsm8k', completion: '#### .5', answer: gsm('0.5'), strict: '.5', flexible: '.5', em: [0, 0] }],
  // ".5" in prose: flexible's first group; not "5".
  ['gsm8k: ".5" in prose vs 5', { task: 'gsm8k', completion: 'Half a cup is .5 cups', answer: gsm('5'), strict: I, flexible: '.5', em: [0, 0] }],
  // "5." loses its trailing "." to regexes_to_ignore.
  ['gsm8k: "5."', { task: 'gsm8k', completion: '#### 5.', answer: gsm('5'), strict: '5.', flexible: '5.', em: [1, 1] }],
  // "$1,234.50" → "1234.50" after "$" and "," go; "1234.5" differs.
  ['gsm8k: "$1,234.50" vs 1234.5', { task: 'gsm8k', completion: 'The total is $1,234.50', answer: gsm('1234.5'), strict: I, flexible: '$1,234.50', em: [0, 0] }],
  // ... and equals a reference "1,234.50" (its comma removed too).
  ['gsm8k: "$1,234.50" vs 1,234.50', { task: 'gsm8k', completion: 'The total is $1,234.50', answer: gsm('1,234.50'), strict: I, flexible: '$1,234.50', em: [0, 1] }],
  // Surrounding spaces and newlines are outside the match.
  ['gsm8k: whitespace around the answer line', { task: 'gsm8k', completion: '  #### 18  \n\n', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // "####18": the pattern needs the space.
  ['gsm8k: no space after ####', { task: 'gsm8k', completion: '####18', answer: gsm('18'), strict: I, flexible: '18', em: [0, 1] }],
  // Two spaces: the class can't take the second space.
  ['gsm8k: two spaces after ####', { task: 'gsm8k', completion: '####  18', answer: gsm('18'), strict: I, flexible: '18', em: [0, 1] }],
  // A newline between "#### " and the number.
  ['gsm8k: newline after "#### "', { task: 'gsm8k', completion: '#### \n18', answer: gsm('18'), strict: I, flexible: '18', em: [0, 1] }],
  // An ellipsis is a 3-char flexible match; one trailing "." is dropped, ".." remains.
  ['gsm8k: trailing "..." wins flexible', { task: 'gsm8k', completion: 'It is 18, I think...', answer: gsm('18'), strict: I, flexible: '...', em: [0, 0] }],
  // A European thousands point is just a different string.
  ['gsm8k: "1.000" vs 1000', { task: 'gsm8k', completion: '#### 1.000', answer: gsm('1000'), strict: '1.000', flexible: '1.000', em: [0, 0] }],
  // "1," and "2," are 2-char matches, "3" the second group; the last is "3".
  ['gsm8k: a list after the answer', { task: 'gsm8k', completion: '#### 18\nScores: 1, 2, 3', answer: gsm('18'), strict: '18', flexible: '3', em: [1, 0] }],
  // LaTeX display dollars are in flexible's class and all removed by "\$".
  ['gsm8k: "$$18$$"', { task: 'gsm8k', completion: 'Total: $$18$$', answer: gsm('18'), strict: I, flexible: '$$18$$', em: [0, 1] }],
  // The model's next "Question:" is cut before filtering, so its "#### 5" never counts.
  ['gsm8k: continuation cut at "Question:"', { task: 'gsm8k', completion: '#### 18\n\nQuestion: Tom has 5 apples.\nAnswer: #### 5', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // "</s>" is a stop too.
  ['gsm8k: continuation cut at "</s>"', { task: 'gsm8k', completion: '#### 18</s>#### 20', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // cot: the group takes "18", the pattern's unescaped "." the period.
  ['cot: "The answer is 18."', { task: 'gsm8k_cot', completion: '9 + 9 = 18. The answer is 18.', answer: gsm('18'), strict: '18', flexible: '18.', em: [1, 1] }],
  // No character after "18": the group backs off to "1" so "." can eat the "8".
  ['cot: "The answer is 18" at the end', { task: 'gsm8k_cot', completion: '9 + 9 = 18. The answer is 18', answer: gsm('18'), strict: '1', flexible: '18', em: [0, 1] }],
  // A single digit at the end leaves nothing for "." → no match at all.
  ['cot: "The answer is 5" at the end', { task: 'gsm8k_cot', completion: 'The answer is 5', answer: gsm('5'), strict: I, flexible: '5', em: [0, 1] }],
  // "." eats the space; flexible's last run is "18" ("." alone is too short).
  ['cot: "The answer is 18 dollars."', { task: 'gsm8k_cot', completion: 'The answer is 18 dollars.', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // Python's "." does not match "\n": the group backs off to "1" again.
  ['cot: "The answer is 18\\n"', { task: 'gsm8k_cot', completion: 'The answer is 18\nDone', answer: gsm('18'), strict: '1', flexible: '18', em: [0, 1] }],
  // ... but it does match "\r" (JS's "." does not): "18" is kept.
  ['cot: "The answer is 18\\r\\n"', { task: 'gsm8k_cot', completion: 'The answer is 18\r\nDone', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // Greedy "18." then "." can't take "\n", so the group gives back its "."; the "Q:" continuation is cut.
  ['cot: cut at "Q:"', { task: 'gsm8k_cot', completion: 'The answer is 18.\n\nQ: Tim has 7 cats.\nA: The answer is 7.', answer: gsm('18'), strict: '18', flexible: '18.', em: [1, 1] }],
  // "$" is not in the strict class; flexible gets "$18." → "18".
  ['cot: "The answer is $18."', { task: 'gsm8k_cot', completion: 'The answer is $18.', answer: gsm('18'), strict: I, flexible: '$18.', em: [0, 1] }],
  // The filter regex is case-sensitive.
  ['cot: lower-case "the answer is"', { task: 'gsm8k_cot', completion: 'the answer is 18.', answer: gsm('18'), strict: I, flexible: '18.', em: [0, 1] }],
  // The comma after 18 joins the group, "." eats the space; then "..." is flexible's last match.
  ['cot: "The answer is 18, since..."', { task: 'gsm8k_cot', completion: 'The answer is 18, since...', answer: gsm('18'), strict: '18,', flexible: '...', em: [1, 0] }],
  // Negative with a period: flexible's first group takes "-10.".
  ['cot: negative', { task: 'gsm8k_cot', completion: 'The answer is -10.', answer: gsm('-10'), strict: '-10', flexible: '-10.', em: [1, 1] }],
  // gsm8k_cot's reference is "1,000" (split on ####, stripped); commas go on both sides.
  ['cot: comma in prediction and reference', { task: 'gsm8k_cot', completion: 'The answer is 1,000.', answer: gsm('1,000'), strict: '1,000', flexible: '1,000.', em: [1, 1] }],
  // Decimal zeros still differ under cot.
  ['cot: 18.00', { task: 'gsm8k_cot', completion: 'The answer is 18.00.', answer: gsm('18'), strict: '18.00', flexible: '18.00.', em: [0, 0] }],
  // Zero-shot cot: reference is the full answer, reduced to "18" by "(?s).*#### ".
  ['cot zero-shot: answer sentence', { task: 'gsm8k_cot_zeroshot', completion: ' 16 - 3 - 4 = 9 eggs. 9 * 2 = 18. The answer is 18.', answer: gsm('18'), strict: '18', flexible: '18.', em: [1, 1] }],
  // Zero-shot cot does not know "####".
  ['cot zero-shot: "#### 18"', { task: 'gsm8k_cot_zeroshot', completion: '#### 18', answer: gsm('18'), strict: I, flexible: '18', em: [0, 1] }],
  // The chat task's strict is "####".
  ['chat: "#### 18"', { task: 'chat', completion: 'Working: 9 * 2 = 18.\n#### 18', answer: gsm('18'), strict: '18', flexible: '18', em: [1, 1] }],
  // After "18" comes "}$." whose "$." is flexible's last match, normalised to "".
  ['chat: "$\\boxed{18}$."', { task: 'chat', completion: 'The final answer is $\\boxed{18}$.', answer: gsm('18'), strict: I, flexible: '$.', em: [0, 0] }],
  // "<|im_end|>" ends the turn; the "#### 20" after it is never seen.
  ['chat: cut at "<|im_end|>"', { task: 'chat', completion: 'The answer is 18.<|im_end|>\n#### 20', answer: gsm('18'), strict: I, flexible: '18.', em: [0, 1] }],
];

describe('scoreCompletion (harness filters and exact_match)', () => {
  it.each(cases)('%s', (_name, c) => {
    const s = scoreCompletion(c.task, c.completion, c.answer);
    expect(s.filtered).toEqual({ 'strict-match': c.strict, 'flexible-extract': c.flexible });
    expect(s.exact_match).toEqual({ 'strict-match': c.em[0], 'flexible-extract': c.em[1] });
    expect(s.answer === undefined).toBe(c.task !== 'chat');
  });

  it('has at least 40 hand-worked cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
});

describe('chatAnswer', () => {
  const chatCases: [string, string, { value: string; rule: ChatRule | null }][] = [
    // "####" comes first, and takes the first line.
    ['#### first', '#### 18\n#### 20 and \\boxed{21}', { value: '18', rule: '####' }],
    // Boxed, the last one.
    ['last \\boxed{}', 'First \\boxed{20}, no wait: \\boxed{18}', { value: '18', rule: '\\boxed{}' }],
    // Boxed beats "The final answer is"; "$" in the box is skipped.
    ['\\boxed{} inside a final-answer line', 'The final answer is $\\boxed{\\$18}$.', { value: '18', rule: '\\boxed{}' }],
    // Colon, bold and "$" between the phrase and the number; commas normalised away.
    ['The final answer is', 'The final answer is: **$1,000**.', { value: '1000', rule: 'The final answer is' }],
    // The last "answer is"; its trailing "." normalised away.
    ['The answer is (last)', 'I first thought the answer is 20, but the answer is 18.', { value: '18', rule: 'The answer is' }],
    // Negative.
    ['The answer is, negative', 'The answer is -3.', { value: '-3', rule: 'The answer is' }],
    // "The answer is ..." has no number, so the last number decides.
    ['phrase without a number falls through', 'The answer is ... 18 apples', { value: '18', rule: 'last number' }],
    // No phrase: the harness's flexible rule.
    ['last number', 'Total 18 apples, 2 left over', { value: '2', rule: 'last number' }],
    // Nothing at all.
    ['nothing', 'I do not know.', { value: '[invalid]', rule: null }],
  ];
  it.each(chatCases)('%s', (_name, completion, expected) => {
    expect(chatAnswer(completion)).toEqual(expected);
  });

  it('scoreCompletion reports the chat answer beside the harness filters', () => {
    // strict (####) fails, flexible's last match is "$." (→ ""), but the boxed rule finds 18.
    expect(scoreCompletion('chat', 'The final answer is $\\boxed{18}$.', gsm('18')).answer).toEqual({ value: '18', rule: '\\boxed{}', exact: 1 });
    // "5.." normalises to "5." (one "." removed), which is not "5".
    expect(scoreCompletion('chat', 'The answer is 5..', gsm('5')).answer).toEqual({ value: '5.', rule: 'The answer is', exact: 0 });
    expect(scoreCompletion('chat', 'No idea', gsm('5')).answer).toEqual({ value: '[invalid]', rule: null, exact: 0 });
  });
});

describe('regexFilter', () => {
  it('takes the first non-empty group of a tuple', () => {
    // findall gives ("", "1") for "(x)|([0-9])" on "a1b".
    expect(regexFilter('a1b', '(x)|([0-9])')).toBe('1');
    expect(regexFilter('ab', '(a)|(b)', 0)).toBe('a');
    expect(regexFilter('ab', '(a)|(b)', -1)).toBe('b');
  });

  it('falls back when every group of the selected tuple is empty', () => {
    expect(regexFilter('z', '(x?)(y?)z')).toBe(INVALID);
    expect(regexFilter('z', '(x?)(y?)z', 0, 'none')).toBe('none');
  });

  it('selects by group_select, 0 first and -1 last, and strips', () => {
    expect(regexFilter('a1 b22 c333', '[0-9]+', 0)).toBe('1'); // no groups: the whole match
    expect(regexFilter('a1 b22 c333', '[0-9]+', -1)).toBe('333');
    expect(regexFilter('a1 b22 c333', '[0-9]+', 1)).toBe('22');
    expect(regexFilter('x:  7 \n', 'x:(.*)')).toBe('7'); // "." stops at "\n"; "  7 " is stripped
    expect(() => regexFilter('1 2', '([0-9])', 5)).toThrow(/out of range/); // Python: IndexError
  });

  it("has Python's `.` and `$`", () => {
    expect(regexFilter('a\nb', '(a.b)')).toBe(INVALID);
    expect(regexFilter('xa\rbx', '(a.b)')).toBe('a\rb');
    expect(regexFilter('a\nb', '(?s)(a.b)')).toBe('a\nb');
    expect(regexFilter('18\n', '([0-9]+)$')).toBe('18'); // "$" also before a final "\n"
    expect(regexFilter('18\n\n', '([0-9]+)$')).toBe(INVALID); // ... but only a final one
  });

  it("reads classes as Python does and refuses escapes whose meaning differs", () => {
    expect(regexFilter('a]b', '([]a]+)')).toBe('a]'); // a leading "]" is a literal
    expect(regexFilter(']]x]', '([^]]+)')).toBe('x');
    expect(regexFilter('1-2', '([0-9\\-]+)')).toBe('1-2');
    expect(() => regexFilter('12', '(\\d+)')).toThrow(/unsupported escape/);
  });

  it("strips Python's whitespace set", () => {
    expect(pyStrip('\x1c 7\x85\n')).toBe('7'); // Python's isspace includes U+001C and U+0085
    expect(pyStrip('\ufeff7')).toBe('\ufeff7'); // ... but not U+FEFF, which JS's trim() removes
  });
});

describe('exactMatch', () => {
  it('applies regexes_to_ignore with Python semantics, then ignores case', () => {
    expect(exactMatch('$1,000.', '1000')).toBe(1);
    expect(exactMatch('a\nb #### 18', '18')).toBe(1); // "(?s)" lets ".*" cross the newline
    expect(exactMatch('#### 5 #### 6', '6')).toBe(1); // greedy: up to the last "#### "
    expect(exactMatch('18.\n', '18\n')).toBe(1); // "\.$" matches before a final "\n"
    expect(exactMatch('18.\n\n', '18\n\n')).toBe(0); // ... not before two
    expect(exactMatch('18..', '18')).toBe(0); // one "." removed, not all
    expect(exactMatch('ABC', 'abc')).toBe(1);
    expect(exactMatch('18 ', '18')).toBe(0); // no stripping
  });
});

describe('applyStops', () => {
  it('cuts at each stop string in turn', () => {
    expect(applyStops('A: 18\nQ: next', ['Q:', '</s>'])).toBe('A: 18\n');
    expect(applyStops('a</s>bQ:c', ['Q:', '</s>'])).toBe('a'); // "Q:" first, then "</s>" in what is left
    expect(applyStops('#### 18\nquestion: x', TASK_RULES.gsm8k.until)).toBe('#### 18\nquestion: x'); // case-sensitive
    expect(applyStops('abc', [''])).toBe('abc'); // empty terms are skipped
    expect(applyStops('x', [])).toBe('x');
  });
});

describe('stats', () => {
  it('sampleStderr is the sample std (ddof 1) over √n', () => {
    // [1,0,1,1]: mean .75, squared deviations .0625+.5625+.0625+.0625 = .75, /3 = .25, √ = .5, /√4 = .25
    expect(sampleStderr([1, 0, 1, 1])).toBeCloseTo(0.25, 15);
    // [2,4,4,4,5,5,7,9]: mean 5, squared deviations sum 32, √(32/7)/√8 = √(4/7)
    expect(sampleStderr([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(4 / 7), 15);
    expect(sampleStderr([1])).toBe(0);
    expect(sampleStderr([])).toBe(0);
    expect(mean([1, 0, 1, 1])).toBe(0.75);
  });
});

describe('harness task files', () => {
  const files: Record<Exclude<TaskName, 'chat'>, string> = { gsm8k: 'gsm8k.yaml', gsm8k_cot: 'gsm8k-cot.yaml', gsm8k_cot_zeroshot: 'gsm8k-cot-zeroshot.yaml' };
  it('TASK_RULES copies their filters, stops and regexes_to_ignore', (ctx) => {
    for (const file of Object.values(files)) skipUnlessShared(ctx, 'data', 'lm-eval', file);
    for (const [task, file] of Object.entries(files) as [Exclude<TaskName, 'chat'>, string][]) {
      const cfg = parse(readFileSync(sharedPath('data', 'lm-eval', file), 'utf8'));
      const filter = (name: string) => cfg.filter_list.find((f: { name: string }) => f.name === name).filter[0];
      const rules = TASK_RULES[task];
      expect(rules.strict).toEqual({ pattern: filter('strict-match').regex_pattern, groupSelect: filter('strict-match').group_select ?? 0 });
      expect(rules.flexible).toEqual({ pattern: filter('flexible-extract').regex_pattern, groupSelect: filter('flexible-extract').group_select ?? 0 });
      expect(rules.until).toEqual(cfg.generation_kwargs.until);
      expect(cfg.metric_list[0]).toMatchObject({ metric: 'exact_match', ignore_case: true, ignore_punctuation: false, regexes_to_ignore: REGEXES_TO_IGNORE });
    }
  });
});

describe('GSM8K test references', () => {
  it('each scores exact_match 1 (strict) as its own completion under gsm8k', (ctx) => {
    skipUnlessShared(ctx, 'data', 'gsm8k', 'test.jsonl');
    const answers = readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { answer: string }).answer);
    expect(answers.length).toBe(1319);
    const failing = answers.filter((a) => scoreCompletion('gsm8k', a, a).exact_match['strict-match'] !== 1);
    expect(failing).toEqual([]);
  });
});
