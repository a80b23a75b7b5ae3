// The file types the data and eval pickers take, and the message for a file they do not take:
// a dropped file is never ignored silently. DOM-free, so the message is tested in Node.

export const DATA_FILE_TYPES = ['.jsonl', '.ndjson', '.json', '.parquet'] as const;
export const EVAL_FILE_TYPES = ['.jsonl', '.json', '.parquet'] as const;

/** The `accept` attribute for a picker of these types. */
export const acceptAttribute = (types: readonly string[]) => types.join(',');

/** ".a, .b or .c" */
function listTypes(types: readonly string[]): string {
  return types.length <= 1 ? types.join('') : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
}

/** Whether the file's name ends in one of the types (case-insensitively). */
export const hasType = (name: string, types: readonly string[]) => types.some((t) => name.toLowerCase().endsWith(t));

/**
 * Why the dropped or picked files were not taken: `files` are their names; `single` when the
 * picker takes one file and more were given.
 */
export function rejectedFilesMessage(files: string[], types: readonly string[], single = true): string {
  const wrong = files.filter((name) => !hasType(name, types));
  const accepted = `choose a ${listTypes(types)} file`;
  if (wrong.length === 1) return `${wrong[0]} is not a file this step reads: ${accepted}.`;
  if (wrong.length > 1) return `${wrong.join(', ')} are not files this step reads: ${accepted}.`;
  if (single && files.length > 1) return `Drop one file at a time (you gave ${files.length}: ${files.join(', ')}).`;
  return `${files.join(', ')} could not be taken: ${accepted}.`;
}
