// YAML for the engines' configs, with a comment beside any key that needs one. Block style, strings
// quoted as JSON (valid YAML), and floats written with a dot and a signed exponent ("1.0e-08"), as
// YAML 1.1 readers (PyYAML, which axolotl and LLaMA-Factory use) need to see a float, not a string.

export type YamlValue = string | number | boolean | null | YamlValue[] | YamlMap;
export interface YamlMap {
  [key: string]: YamlValue;
}

/** One key of a block map: its value, and a comment after it. */
export type YamlEntry = [key: string, value: YamlValue, comment?: string];

export function yamlScalar(v: string | number | boolean | null): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'number' || Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) throw new Error(`YAML: ${v} is not a finite number`);
  const plain = String(v);
  if (!plain.includes('e')) return plain;
  const [mantissa, exponent] = v.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent.startsWith('-') ? exponent : `+${exponent.replace('+', '')}`}`;
}

function value(v: YamlValue, indent: string): string {
  if (v === null || typeof v !== 'object') return ` ${yamlScalar(v)}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return v.map((item) => `\n${indent}- ${item !== null && typeof item === 'object' && !Array.isArray(item) ? mapLines(item, `${indent}  `).trimStart() : value(item, `${indent}  `).trimStart()}`).join('');
  }
  return `\n${mapLines(v, `${indent}  `)}`;
}

function mapLines(map: YamlMap, indent: string): string {
  return Object.entries(map)
    .map(([k, v]) => `${indent}${k}:${value(v, indent)}`)
    .join('\n');
}

/** A block map: one line (or block) per entry, comments after values, `# …` lines for notes. */
export function yamlDocument(entries: (YamlEntry | string)[]): string {
  const lines = entries.map((e) => {
    // A comment stays on its line: a line break in it would start YAML of its own.
    if (typeof e === 'string') return e === '' ? '' : `# ${e.replace(/\s+/g, ' ')}`;
    const [key, v, comment] = e;
    return `${key}:${value(v, '')}${comment ? `  # ${comment.replace(/\s+/g, ' ')}` : ''}`;
  });
  return `${lines.join('\n')}\n`;
}
