// "Export recipe": training runs of this page, with their evaluations, handed over to axolotl,
// TRL, LLaMA-Factory and lm-evaluation-harness as one zip (built in the data worker from browser
// storage; the CLI's export-recipe writes the same files).
import { DataWorkerClient } from '../clients/data-client';
import { saveFile } from '../clients/save-file';
import { evalPath, runPath } from '../runs/paths';
import type { RecipeRequest } from '../pipeline/export-recipe';
import { lab } from './lab.svelte';

export const RECIPE_FILE_NAME = 'distill-lab-recipe.zip';

class RecipeExport {
  busy = $state(false);
  error = $state<string | null>(null);
  /** The paths in the last zip, for the page to list. */
  files = $state<string[]>([]);

  /** The recipe of these finished training runs and their evaluations; `withBase` adds the base model's. */
  request(trainIds: string[], withBase: boolean): RecipeRequest {
    const evalsOf = (trainRunId: string | null) => lab.evalRuns.filter((e) => e.model.trainRunId === trainRunId).map((e) => evalPath(e.id, e.task));
    return {
      runs: trainIds.map((id) => ({ id, folder: runPath(id), evalFolders: evalsOf(id) })),
      baseEvalFolders: withBase ? evalsOf(null) : [],
    };
  }

  /** Builds the zip and hands it to the browser as a download; resolves with its bytes, or null on an error. */
  export(trainIds: string[], withBase: boolean): Promise<Uint8Array | null> {
    if (this.busy) return Promise.resolve(null);
    if (trainIds.length === 0) {
      this.error = 'There is no finished training run to export yet: train one in step 3.';
      return Promise.resolve(null);
    }
    Object.assign(this, { busy: true, error: null, files: [] });
    return new Promise((resolve) => {
      const client = new DataWorkerClient((event) => {
        if (event.type === 'recipe-exported') {
          this.files = event.files;
          saveFile(new Blob([event.zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), RECIPE_FILE_NAME);
          resolve(event.zip);
        } else if (event.type === 'data-error') {
          this.error = event.message;
          resolve(null);
        } else return;
        client.terminate();
        this.busy = false;
      });
      client.exportRecipe(this.request(trainIds, withBase));
    });
  }
}

export const recipe = new RecipeExport();
