// Which model the prompt box in step 1 runs on: the model step 1 loaded (the base), or a saved
// fine-tuned run, whose exported model (runs/<id>/model/ in browser storage) opens in a second
// model worker. The base model stays loaded, so training and evaluation keep using it, and
// switching back is immediate; the run's worker is closed when the base is chosen again.
import { hasExportedModel } from '../runs/records';
import { runPath } from '../runs/paths';
import { opfsFiles } from '../storage/opfs-store';
import { lab } from './lab.svelte';
import { ModelHost } from './model-host.svelte';
import { session } from './session.svelte';

export const BASE = 'base';

class PromptTarget {
  /** BASE, or the id of the training run whose model the prompt runs on. */
  target = $state(BASE);
  /** The second worker, for a fine-tuned run's model. */
  readonly run = new ModelHost();
  /** The model the prompt box uses now. */
  host = $derived<ModelHost>(this.target === BASE ? session : this.run);
  /** Finished runs whose model is in browser storage. */
  choices = $derived(lab.trainRuns.filter(hasExportedModel));

  async choose(target: string): Promise<void> {
    this.target = target;
    if (target === BASE) {
      this.run.close();
      return;
    }
    const files = await opfsFiles(runPath(target, 'model'));
    if (this.target !== target) return; // chosen again meanwhile
    if (files.length === 0) {
      this.run.close();
      this.run.error = `Run ${target} has no exported model in this browser's storage (runs/${target}/model/ is empty or gone); it may have been imported from another browser.`;
      return;
    }
    const { backend, threads } = session.source ?? {};
    this.run.open({ source: files, ...(backend && { backend }), ...(threads && { threads }) });
  }
}

export const prompt = new PromptTarget();
