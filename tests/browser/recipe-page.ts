// Loaded by recipe.html: writes run folders into browser storage and exports their recipe through
// the data worker (DataWorkerClient), as the page's "Export recipe" does.
import { DataWorkerClient } from '../../src/lib/clients/data-client';
import { opfsStore } from '../../src/lib/storage/opfs-store';
import type { RecipeExportRequest } from '../../workers/protocol';

declare global {
  interface Window {
    recipeTest?: {
      /** Writes text files into an OPFS folder. */
      write(folder: string, files: Record<string, string>): Promise<void>;
      /** The recipe's zip as an array of bytes, or the worker's error. */
      export(request: Omit<RecipeExportRequest, 'type'>): Promise<{ zip: number[] | null; files: string[]; error: string | null }>;
    };
  }
}

window.recipeTest = {
  async write(folder, files) {
    const store = await opfsStore(folder);
    for (const [name, text] of Object.entries(files)) await store.write(name, new TextEncoder().encode(text));
  },
  export(request) {
    return new Promise((resolve) => {
      const client = new DataWorkerClient((e) => {
        if (e.type === 'recipe-exported') resolve({ zip: [...e.zip], files: e.files, error: null });
        else if (e.type === 'data-error') resolve({ zip: null, files: [], error: e.message });
        else return;
        client.terminate();
      });
      client.exportRecipe(request);
    });
  },
};
