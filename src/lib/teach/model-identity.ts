// What names a model for a teacher's resume check and the summaries cache: the source and its
// revision, or, for picked files, each file's name, size and modification time (their shared
// description, "local files (config.json, …)", would make any two picked models the same).
import type { ModelFiles, ModelSource } from '../../../models/files';

export function modelIdentity(source: ModelSource, revision: string | undefined, files: ModelFiles): string {
  if (typeof source === 'string') return revision ? `${source}@${revision}` : source;
  if (!(Symbol.iterator in source)) return files.description;
  const picked = [...source].sort((a, b) => a.name.localeCompare(b.name));
  return `local files (${picked.map((f) => `${f.name} ${f.size} bytes, modified ${new Date(f.lastModified).toISOString()}`).join('; ')})`;
}
