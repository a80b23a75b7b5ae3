// The data worker: a thin shell that reads and measures training data (src/lib/pipeline/inspect.ts)
// and exports recipes from runs in browser storage (src/lib/pipeline/export-recipe.ts), off the
// page's thread, so a large file or a slow tokenizer never freezes the page.
import { exportRecipe } from '../src/lib/pipeline/export-recipe';
import { runDataInspection } from '../src/lib/pipeline/inspect';
import { zipFiles } from '../src/lib/export/zip';
import { opfsFiles, opfsStore } from '../src/lib/storage/opfs-store';
import type { DataWorkerEvent, DataWorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: DataWorkerEvent) => scope.postMessage(event);

scope.onmessage = async (e: MessageEvent<DataWorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'data-inspect') await runDataInspection(req, post);
    else if (req.type === 'recipe-export') {
      const files = await exportRecipe(req, { store: opfsStore, files: opfsFiles });
      post({ type: 'recipe-exported', zip: zipFiles(files), files: files.map((f) => f.path) });
    } else throw new Error(`Unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
  } catch (err) {
    post({ type: 'data-error', message: err instanceof Error ? err.message : String(err) });
  }
};
