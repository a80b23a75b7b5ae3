// data: raw distilled data → {"prompt","completion"} lines under one strategy, with a report of
// what was kept and what was skipped (line and reason).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseNumber, parseOptions, required, UsageError, type Command } from '../args';
import { loadTokenizerFrom, log } from '../load';
import { contextText, sftPipeline } from '../../src/lib/data/pipeline';
import { resolvePromptStyle, type PromptStyle } from '../../src/lib/data/prompt-format';
import { parseFieldMap } from '../../src/lib/data/records';
import type { DataReport } from '../../src/lib/data/report';
import { parseTagPair } from '../../src/lib/data/split';
import { STRATEGIES, type StrategyName } from '../../src/lib/data/types';

export const DATA_DEFAULTS = {
  maxLength: 1024,
  summaryChars: 600,
  promptStyle: 'auto' as PromptStyle | 'auto',
};

const OPTIONS = {
  input: { type: 'string' },
  strategy: { type: 'string' },
  'field-map': { type: 'string' },
  tags: { type: 'string', multiple: true },
  'summary-chars': { type: 'string' },
  out: { type: 'string' },
  tokenizer: { type: 'string' },
  'max-length': { type: 'string' },
  'prompt-style': { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseStrategy(text: string): StrategyName {
  if ((STRATEGIES as readonly string[]).includes(text)) return text as StrategyName;
  throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got "${text}"`);
}

function parseStyle(text: string | undefined): PromptStyle | 'auto' {
  if (text === undefined) return DATA_DEFAULTS.promptStyle;
  if (text === 'auto' || text === 'chat' || text === 'plain') return text;
  throw new UsageError(`--prompt-style must be auto, chat or plain, got "${text}"`);
}

function usage<T>(what: () => T): T {
  try {
    return what();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A few readable lines for people; --json gives the whole report. */
export function describeReport(r: DataReport): string {
  const lines = [
    `${r.source}: read ${r.read}, kept ${r.kept}, skipped ${r.skipped.length}` +
      (r.truncated ? `, truncated ${r.truncated}` : '') +
      ` (strategy ${r.strategy}; formats ${Object.entries(r.formats).map(([f, n]) => `${f} ${n}`).join(', ') || 'none'})`,
  ];
  for (const [part, s] of Object.entries(r.lengths)) {
    lines.push(`  ${part.padEnd(10)} ${r.unit}: mean ${s.mean.toFixed(1)}, median ${s.median}, p95 ${s.p95}, max ${s.max}`);
  }
  for (const s of r.skipped.slice(0, 10)) lines.push(`  skipped line ${s.line}: ${s.reason}`);
  if (r.skipped.length > 10) lines.push(`  … and ${r.skipped.length - 10} more skipped (--json lists them all)`);
  return lines.join('\n');
}

export const data: Command = {
  summary: 'Build SFT data (prompt/completion lines) from raw distilled data under one strategy',
  help: `Usage: data --input FILE --strategy original|answer|think-summary|full --out OUT.jsonl
            [--field-map KEY=FIELD,...] [--tags "<open>,<close>" ...] [--summary-chars N]
            [--tokenizer SRC --max-length N --prompt-style auto|chat|plain] [--limit N] [--json]

Reads JSONL, a JSON array or Parquet (path or http(s) URL), detects the record shape (flat fields,
OpenAI messages, ShareGPT conversations), splits reasoning from answer, and writes one
{"prompt","completion"} line per kept record. The prompt is the user turn (system and earlier
turns before it), before any chat template.

  --strategy S        original: the dataset's own response; answer: the answer part only;
                      think-summary: a summary of the reasoning, then the answer;
                      full: <think>reasoning</think>, then the answer
  --field-map MAP     name your fields, e.g. prompt=query,response=r1_output,original=solution
                      (keys: prompt, response, system, reasoning, original, summary, messages, conversations)
  --tags PAIR         an extra reasoning tag pair, e.g. "<scratch>,</scratch>" (repeatable)
  --summary-chars N   budget of the built-in summarizer (default ${DATA_DEFAULTS.summaryChars})
  --tokenizer SRC     tokenize with this model's tokenizer: lengths in tokens, truncation counted
  --max-length N      with --tokenizer: tokens per example, longer ones are cut (default ${DATA_DEFAULTS.maxLength})
  --prompt-style S    with --tokenizer: chat template or "Question: …\\nAnswer:" (default auto)
  --limit N           stop after N kept records
  --json              last stdout line: the report, with "kept" and "skipped": [{line, reason}]`,

  async run(argv) {
    const v = parseOptions('data', argv, OPTIONS);
    const input = required(v.input, '--input FILE', 'data');
    const out = required(v.out, '--out OUT.jsonl', 'data');
    const strategy = parseStrategy(required(v.strategy, '--strategy S', 'data'));
    const fieldMap = v['field-map'] === undefined ? undefined : usage(() => parseFieldMap(v['field-map']!));
    const extraTags = (v.tags ?? []).map((spec) => ({ reasoning: usage(() => parseTagPair(spec)) }));
    const maxChars = v['summary-chars'] ? parseNumber('--summary-chars', v['summary-chars'], { integer: true, min: 1 }) : DATA_DEFAULTS.summaryChars;
    const maxLength = v['max-length'] ? parseNumber('--max-length', v['max-length'], { integer: true, min: 2 }) : DATA_DEFAULTS.maxLength;
    const limit = v.limit ? parseNumber('--limit', v.limit, { integer: true, min: 1 }) : undefined;
    const requestedStyle = parseStyle(v['prompt-style']);
    if (!v.tokenizer && (v['max-length'] || v['prompt-style'])) throw new UsageError('--max-length and --prompt-style need --tokenizer SRC');

    const tokenizer = v.tokenizer ? await loadTokenizerFrom(v.tokenizer) : null;
    const style = tokenizer ? usage(() => resolvePromptStyle(tokenizer, requestedStyle)) : 'plain';
    const started = performance.now();
    const pipeline = sftPipeline(input, {
      strategy,
      fieldMap,
      extraTags,
      maxChars,
      limit,
      tokenizer,
      tokenize: tokenizer ? { style, maxLength } : undefined,
    });
    const file = createWriteStream(out);
    for await (const { example } of pipeline.items) {
      if (!file.write(`${JSON.stringify({ prompt: contextText(example.context), completion: example.completion })}\n`)) await once(file, 'drain');
    }
    file.end();
    await once(file, 'finish');
    const report = pipeline.report();
    log(`${describeReport(report)}\nwrote ${report.kept} examples to ${out} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    if (v.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  },
};
