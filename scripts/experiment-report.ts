// The experiment's outputs for people: a Markdown table in the paper's shape (rows are training
// data strategies, columns are eval sets, accuracy ± standard error) and an SVG bar chart.

export interface Cell {
  n: number;
  accuracy: number;
  stderr: number;
}

export interface ExperimentRow {
  name: string;
  training?: { steps: number; lossFirst: number; lossLast: number; seconds: number };
  synth: Cell;
  /** Difficulty 1–2 together, and 3–4 together: the two targets the default model is held to. */
  synthEasy: Cell;
  synthHard?: Cell;
  synthByDifficulty: Record<string, Cell>;
  gsm8k: Cell | null;
  /** The GSM8K items whose solutions take one or two calculations. */
  gsm8kEasy?: Cell | null;
  /** The hand-written problem sets together (absent: runs before 2026-12-07). */
  handwritten?: Cell | null;
}

export interface ExperimentResults {
  date: string;
  command: string;
  model: string;
  plan: unknown;
  /**
   * What the fine-tunes trained on: synthetic records (verbStories of them stories told with
   * everyday verbs; absent before 2026-12-07) and GSM8K training items (trainData absent: synthetic only,
   * before 2026-12-06).
   */
  trainData?: { synthetic: number; verbStories?: number; gsm8kTrain: number };
  promptStyle: string;
  rows: ExperimentRow[];
  seconds: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const trainedOn = ({ trainData: t }: ExperimentResults) =>
  t
    ? ` Fine-tuned on ${count(t.synthetic)} synthetic records${t.verbStories ? ` (${count(t.verbStories)} of them stories told with everyday verbs)` : ''} and ${count(t.gsm8kTrain)} GSM8K training items.`
    : '';

const pct = (c: Cell | null | undefined) => (c ? `${(100 * c.accuracy).toFixed(1)} ± ${(100 * c.stderr).toFixed(1)}` : '–');

/** Column names and how to read each from a row: difficulties, all synthetic, GSM8K, then the hand-written sets. */
type Column = { name: string; cell: (row: ExperimentRow) => Cell | null };

export function columns(r: ExperimentResults): Column[] {
  const difficulties = [...new Set(r.rows.flatMap((row) => Object.keys(row.synthByDifficulty)))].sort();
  const cols: Column[] = difficulties.map((d) => ({ name: `synthetic ${d.replace('d', 'difficulty ')}`, cell: (row) => row.synthByDifficulty[d] ?? null }));
  cols.push({ name: 'synthetic, difficulty 1–2', cell: (row) => row.synthEasy });
  if (r.rows.some((row) => row.synthHard)) cols.push({ name: 'synthetic, difficulty 3–4', cell: (row) => row.synthHard ?? null });
  cols.push({ name: 'synthetic, all', cell: (row) => row.synth });
  if (r.rows.some((row) => row.gsm8kEasy)) cols.push({ name: 'GSM8K test, 1–2 calculations', cell: (row) => row.gsm8kEasy ?? null });
  if (r.rows.some((row) => row.gsm8k)) cols.push({ name: 'GSM8K test', cell: (row) => row.gsm8k });
  if (r.rows.some((row) => row.handwritten)) cols.push({ name: 'hand-written problems', cell: (row) => row.handwritten ?? null });
  return cols;
}

/**
 * The fine-tuned rows of one column from best to worst: ">" where the gap is larger than the two
 * standard errors added together, "≈" where it is not (the difference may be noise).
 */
export function ordering(r: ExperimentResults, column: Column): string {
  const ranked = r.rows
    .filter((row) => row.training)
    .map((row) => ({ name: row.name, cell: column.cell(row) }))
    .filter((x): x is { name: string; cell: Cell } => x.cell !== null)
    .sort((a, b) => b.cell.accuracy - a.cell.accuracy);
  return ranked
    .map((x, i) => {
      if (i === 0) return x.name;
      const prev = ranked[i - 1].cell;
      return `${prev.accuracy - x.cell.accuracy > prev.stderr + x.cell.stderr ? '>' : '≈'} ${x.name}`;
    })
    .join(' ');
}

export function renderTable(r: ExperimentResults): string {
  const cols = columns(r);
  const n = (name: string) => r.rows[0] && cols.find((c) => c.name === name)?.cell(r.rows[0])?.n;
  const header = `| SFT data | ${cols.map((c) => `${c.name} (n=${n(c.name) ?? '?'})`).join(' | ')} | train loss |`;
  const rule = `|---|${cols.map(() => '---|').join('')}---|`;
  const lines = r.rows.map((row) => {
    const loss = row.training ? `${row.training.lossFirst.toFixed(2)} → ${row.training.lossLast.toFixed(2)}` : '–';
    return `| ${row.name} | ${cols.map((c) => pct(c.cell(row))).join(' | ')} | ${loss} |`;
  });
  return [
    `Exact match, strict (the trained "#### N" answer), % ± standard error. ${r.command}, ${r.date}, model ${r.model}, prompt style ${r.promptStyle}, ${(r.seconds / 60).toFixed(1)} min.${trainedOn(r)}`,
    '',
    header,
    rule,
    ...lines,
    '',
    'Ordering of the fine-tuned rows, ">" where two neighbours differ by more than their standard errors added together, "≈" where they do not:',
    '',
    ...cols.filter((c) => !c.name.startsWith('synthetic difficulty')).map((c) => `- ${c.name}: ${ordering(r, c)}`),
    '',
  ].join('\n');
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Grouped bars: one group per eval set, one bar per strategy, with ±1 standard error whiskers. */
export function renderChart(r: ExperimentResults): string {
  const cols = columns(r);
  const width = 120 + cols.length * (r.rows.length * 22 + 30);
  const height = 320;
  const top = 30;
  const plot = 220;
  const y = (v: number) => top + plot * (1 - v);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="13">Strict exact match by SFT data strategy (${escape(r.date)})</text>`,
  ];
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="50" x2="${width - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="44" y="${y(v) + 4}" text-anchor="end">${v * 100}%</text>`);
  }
  cols.forEach((col, ci) => {
    const x0 = 60 + ci * (r.rows.length * 22 + 30);
    r.rows.forEach((row, ri) => {
      const c = col.cell(row);
      if (!c) return;
      const x = x0 + ri * 22;
      parts.push(`<rect x="${x}" y="${y(c.accuracy)}" width="18" height="${plot * c.accuracy}" fill="${COLORS[ri % COLORS.length]}"/>`);
      const lo = Math.max(0, c.accuracy - c.stderr);
      const hi = Math.min(1, c.accuracy + c.stderr);
      parts.push(`<line x1="${x + 9}" x2="${x + 9}" y1="${y(lo)}" y2="${y(hi)}" stroke="#333"/>`);
    });
    parts.push(`<text x="${x0 + (r.rows.length * 22) / 2}" y="${top + plot + 16}" text-anchor="middle">${escape(col.name)}</text>`);
  });
  r.rows.forEach((row, ri) => {
    const x = 60 + ri * 150;
    parts.push(`<rect x="${x}" y="${height - 22}" width="10" height="10" fill="${COLORS[ri % COLORS.length]}"/><text x="${x + 14}" y="${height - 13}">${escape(row.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
