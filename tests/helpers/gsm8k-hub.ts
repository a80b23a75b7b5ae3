// openai/gsm8k's layout on the hub, for startHubServer({ 'datasets/openai/gsm8k': root }): a split
// is one Parquet file, {root}/main/{split}-00000-of-00001.parquet, with question and answer columns.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';

export interface Gsm8kItem {
  question: string;
  answer: string;
}

export function writeGsm8kSplit(root: string, split: 'train' | 'test', items: Gsm8kItem[]): void {
  const dir = path.join(root, 'main');
  mkdirSync(dir, { recursive: true });
  const columnData = [
    { name: 'question', data: items.map((r) => r.question) },
    { name: 'answer', data: items.map((r) => r.answer) },
  ];
  writeFileSync(path.join(dir, `${split}-00000-of-00001.parquet`), new Uint8Array(parquetWriteBuffer({ columnData })));
}
