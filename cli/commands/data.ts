// data: raw distilled data → {"prompt","completion"} lines under one strategy, with a report of
// what was kept and what was skipped (line and reason).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { asUsage, command, DATA_OPTIONS, UsageError } from '../args';
import { loadTokenizerFrom, log } from '../load';
import { contextText, sftPipeline } from '../../src/lib/data/pipeline';
import { resolvePromptStyle } from '../../src/lib/data/prompt-format';
import { parseFieldMap } from '../../src/lib/data/records';
import { describeNotes, describeSkips, REPORT_DEFAULTS, type DataReport } from '../../src/lib/data/report';
import { parseTagPair } from '../../src/lib/data/split';
import { DATA_DEFAULTS } from '../../src/lib/pipeline/defaults';

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
  for (const line of describeSkips(r.skipped)) lines.push(`  skipped ${line}`);
  for (const line of describeNotes(r.notes)) lines.push(`  note, ${line}`);
  if (r.skipped.length + r.notes.length > REPORT_DEFAULTS.shownSkips) lines.push('  (--json lists every skipped line and note)');
  return lines.join('\n');
}

export const data = command({
  summary: 'Build SFT data (prompt/completion lines) from raw distilled data under one strategy',
  usage: 'data --input FILE [--strategy S] --out OUT.jsonl [--field-map MAP] [--tags PAIR ...] [--tokenizer SRC ...] [--json]',
  about: `Reads JSONL, a JSON array or Parquet (path or http(s) URL), detects the record shape (flat fields,
OpenAI messages, ShareGPT conversations), splits reasoning from answer, and writes one
{"prompt","completion"} line per kept record. The prompt is the user turn (system and earlier
turns before it), before any chat template.`,
  options: {
    input: { kind: 'string', arg: 'FILE', required: true, help: 'raw distilled data: a path or an http(s) URL' },
    out: { kind: 'string', arg: 'OUT.jsonl', required: true, help: 'the {"prompt","completion"} lines' },
    strategy: DATA_OPTIONS.strategy,
    'field-map': DATA_OPTIONS['field-map'],
    tags: { kind: 'string', arg: 'PAIR', multiple: true, help: 'an extra reasoning tag pair, e.g. "<scratch>,</scratch>" (repeatable)' },
    'summary-chars': { kind: 'number', integer: true, min: 1, default: DATA_DEFAULTS.summaryChars, help: 'budget of the built-in summarizer, in characters' },
    tokenizer: { kind: 'string', arg: 'SRC', help: "tokenize with this model's tokenizer: lengths in tokens, truncation counted" },
    'max-length': { ...DATA_OPTIONS['max-length'], help: `with --tokenizer: ${DATA_OPTIONS['max-length'].help}` },
    'prompt-style': { ...DATA_OPTIONS['prompt-style'], help: `with --tokenizer: ${DATA_OPTIONS['prompt-style'].help}` },
    limit: { kind: 'number', integer: true, min: 1, help: 'stop after N kept records' },
    json: { kind: 'flag', help: 'last stdout line: the report, with "kept" and "skipped": [{line, reason}]' },
  },

  async run(v, { given }) {
    const { input, out, strategy, limit } = v;
    const fieldMap = v['field-map'] === undefined ? undefined : asUsage(() => parseFieldMap(v['field-map']!));
    const extraTags = (v.tags ?? []).map((spec) => ({ reasoning: asUsage(() => parseTagPair(spec)) }));
    const maxChars = v['summary-chars'];
    const maxLength = v['max-length'];
    if (!v.tokenizer && (given.has('max-length') || given.has('prompt-style'))) throw new UsageError('--max-length and --prompt-style need --tokenizer SRC');

    const tokenizer = v.tokenizer ? await loadTokenizerFrom(v.tokenizer) : null;
    const style = tokenizer ? asUsage(() => resolvePromptStyle(tokenizer, v['prompt-style'])) : 'plain';
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
});
