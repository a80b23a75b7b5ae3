// The page's "Field map" box: empty for the usual field names, else the CLI's --field-map syntax.
import { parseEvalFieldMap, type EvalFieldMap } from '../eval/data';

export function fieldMapFromText(text: string): { fieldMap?: EvalFieldMap } {
  const spec = text.trim();
  if (!spec) return {};
  try {
    return { fieldMap: parseEvalFieldMap(spec) };
  } catch (e) {
    throw new Error(`Field map: ${(e as Error).message}.`);
  }
}
