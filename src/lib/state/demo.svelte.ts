// "Run the demo": the whole story on the defaults, one step after another, in the page's own
// steps so a class watches each happen: load the default model, make the synthetic data, evaluate
// the base model, fine-tune with the answer strategy, evaluate again, and compare the two.
import { DATA_FORM_DEFAULTS, DEMO_DEFAULTS, EVAL_FORM_DEFAULTS } from '../lab-defaults';
import { compare } from './compare.svelte';
import { data, dataForm } from './data.svelte';
import { evaluation, evalForm } from './evaluate.svelte';
import { lab, type StepName } from './lab.svelte';
import { session } from './session.svelte';
import { DEMO_RULES, invalidFields } from './form-rules';
import { demoStatus } from './status-text';
import { train, trainForm, TRAIN_FORM_START } from './train.svelte';

export const demoForm = $state({ ...DEMO_DEFAULTS });

class Demo {
  running = $state(false);
  /** What the demo is doing now (while it runs). */
  stage = $state('');
  /** The step it is in, or stopped in. */
  step = $state<StepName | null>(null);
  error = $state<string | null>(null);
  startedAt = $state(0);
  /** How long the last run took (done or stopped). */
  seconds = $state<number | null>(null);

  /** The status line: the stage while running, then "Done in …" or where it stopped. */
  status = $derived(demoStatus(this));
  /** The demo size fields that are empty or out of range: the demo cannot start while any is. */
  invalid = $derived(invalidFields(demoForm, DEMO_RULES));

  async run(): Promise<void> {
    if (this.running || this.invalid.length > 0) return;
    Object.assign(this, { running: true, error: null, seconds: null, step: null, stage: '', startedAt: performance.now() });
    try {
      await this.#steps();
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      Object.assign(this, { running: false, stage: '', seconds: (performance.now() - this.startedAt) / 1000 });
    }
  }

  #stage(step: StepName, text: string): void {
    lab.step = step;
    this.step = step;
    this.stage = text;
  }

  async #steps(): Promise<void> {
    if (!session.model) throw new Error('Load a model in step 1 first (the bundled default loads when the page opens).');
    this.#stage('Data', 'Making the synthetic distilled data…');
    // The page's defaults, no real questions among them: the demo runs offline whatever the Data
    // step was left at.
    const { synthSeed, maxLength, gsm8kItems, verbStories } = DATA_FORM_DEFAULTS;
    // Trained on the difficulty it is evaluated on: in a couple of minutes a tiny model learns the
    // one- and two-step problems, and harder ones in the mix only slow that down.
    const difficulty = EVAL_FORM_DEFAULTS.difficulty;
    Object.assign(dataForm, { kind: 'synth', synthN: demoForm.trainRecords, synthSeed, difficulty, gsm8kItems, verbStories, maxLength });
    if (!(await data.inspect(DEMO_DEFAULTS.inspectRecords))) throw new Error(`The data step failed: ${data.error}`);

    const evalSettings = { ...EVAL_FORM_DEFAULTS, limit: demoForm.evalItems, synthN: demoForm.evalItems, maxNewTokens: demoForm.maxNewTokens };
    this.#stage('Evaluate', 'Evaluating the base model…');
    Object.assign(evalForm, { ...evalSettings, model: 'base' });
    const base = await evaluation.start();
    if (!base) throw new Error(`The base evaluation failed: ${evaluation.error}`);

    this.#stage('Train', 'Fine-tuning on answers only…');
    const evalEvery = Math.ceil(demoForm.trainSteps / DEMO_DEFAULTS.evalPoints);
    Object.assign(trainForm, { ...TRAIN_FORM_START, strategy: 'answer', maxSteps: demoForm.trainSteps, evalEvery });
    const run = await train.start('answer');
    if (!run) throw new Error(`Training did not finish: ${train.error ?? 'it was paused or cancelled'}`);

    this.#stage('Evaluate', 'Evaluating the fine-tuned model…');
    Object.assign(evalForm, { ...evalSettings, model: run.id });
    const tuned = await evaluation.start();
    if (!tuned) throw new Error(`The evaluation of the fine-tuned model failed: ${evaluation.error}`);

    this.#stage('Compare', 'Comparing…');
    Object.assign(compare, { a: base.id, b: tuned.id });
  }
}

export const demo = new Demo();
