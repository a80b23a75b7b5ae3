// teach: the pipeline's teacher (src/lib/pipeline/teach.ts) with its outputs in a folder: a model
// answers questions, and DIR/distilled.jsonl is data the `data` and `train` commands read as it is.
import path from 'node:path';
import { asUsage, BACKEND_OPTION, command, DATA_OPTIONS, FORCE_OPTION, THREADS_OPTION } from '../args';
import { evalDataSource } from '../eval-data';
import { checkLocalPath, log } from '../load';
import { onStopSignals, SIGNAL_EXIT } from '../stop-signals';
import { parseEvalFieldMap } from '../../src/lib/eval/data';
import { BUNDLED_PRESET } from '../../src/lib/pipeline/defaults';
import { runTeach, type TeachEvent } from '../../src/lib/pipeline/teach';
import { nodeFolderStore } from '../../src/lib/storage/node-store';
import { TEACH_DEFAULTS } from '../../src/lib/teach/teacher';

const T = TEACH_DEFAULTS;

export const teach = command({
  summary: 'Answer questions with a teacher model; writes distilled JSONL ({question, generation}) to train on',
  usage: 'teach --model SRC --questions Q --out DIR [--samples N] [--temperature X] [--top-p P] [--max-new-tokens N] [--reject]',
  about: `Responses are in the model's chat template, appended to DIR/distilled.jsonl as each batch
finishes. Run the same command again to resume: the questions already answered are skipped, and
each response draws from its own seed, so a resumed run writes what an uninterrupted one would.
With --reject, responses whose final answer is not the gold one go to DIR/rejected.jsonl instead.`,
  options: {
    model: { kind: 'string', arg: 'SRC', required: true, help: 'the teacher: model folder, http(s) URL, or Hugging Face id' },
    questions: {
      kind: 'string',
      arg: 'Q',
      required: true,
      help: "a JSONL/JSON/Parquet file or URL with questions and gold answers (GSM8K's schema, or numeric answers),\nhub:train or hub:test (openai/gsm8k from the hub), or synth (the synthetic teacher's training questions)",
    },
    out: { kind: 'string', arg: 'DIR', required: true, help: 'where distilled.jsonl, rejected.jsonl and teach.json go (resumed when it has them)' },
    limit: { kind: 'number', integer: true, min: 1, help: 'the first N questions' },
    samples: { kind: 'number', arg: 'N', integer: true, min: 1, default: T.samples, help: 'responses per question' },
    temperature: { kind: 'number', arg: 'X', min: 0, default: T.temperature, help: '0 is greedy' },
    'top-p': { kind: 'number', arg: 'P', above: 0, max: 1, default: T.topP, help: 'nucleus sampling' },
    'max-new-tokens': { kind: 'number', integer: true, min: 1, default: T.maxNewTokens, help: 'tokens generated at most per response' },
    batch: { kind: 'number', arg: 'B', integer: true, min: 1, default: T.batchSize, help: 'prompts generated together' },
    seed: { kind: 'number', arg: 'S', integer: true, min: 0, default: T.seed, help: 'sampling seed' },
    reject: { kind: 'flag', help: 'rejection sampling: keep only responses whose final answer matches the gold one' },
    'field-map': { kind: 'string', arg: 'MAP', help: 'question=FIELD,answer=FIELD for other schemas (+ joins fields: question=Body+Question)' },
    'prompt-style': DATA_OPTIONS['prompt-style'],
    'synth-n': { kind: 'number', integer: true, min: 1, default: BUNDLED_PRESET.synth.n, help: 'synth: questions' },
    'synth-seed': { kind: 'number', arg: 'S', integer: true, min: 0, default: BUNDLED_PRESET.synth.seed, help: 'synth: the seed' },
    difficulty: { kind: 'string', arg: 'D', help: 'synth: steps per problem, 2 or a range such as 1-2 (default: all)' },
    endpoint: { kind: 'string', arg: 'URL', help: 'the hub, for hub ids and hub:… questions (default https://huggingface.co)' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    force: FORCE_OPTION,
    json: { kind: 'flag', help: 'last stdout line: {"status","done","total","kept","dropped","resumed_from","seconds"}' },
  },

  async run(v) {
    checkLocalPath(v.model);
    const out = path.resolve(v.out);
    let stop = false;
    const stoppedBy = onStopSignals('stopping now; the batch in flight is dropped, the rest is saved', () => (stop = true));
    let shown = -1;
    const post = (e: TeachEvent) => {
      if (e.type === 'teach-backend') log(e.info.summary);
      else if (e.type === 'teach-log') log(e.line);
      else if (e.type === 'teach-progress' && e.done !== shown) {
        shown = e.done;
        const eta = e.etaSeconds === null ? '' : `, ${e.etaSeconds.toFixed(0)} s left`;
        log(`  ${e.done}/${e.total} responses (${e.kept} kept${e.dropped ? `, ${e.dropped} dropped` : ''}), ${e.questionsPerSecond.toFixed(2)} questions/s${eta}`);
      }
    };
    const done = await runTeach(
      {
        model: v.model,
        questions: evalDataSource(v.questions, { n: v['synth-n'], seed: v['synth-seed'], difficulty: v.difficulty }, '--questions'),
        fieldMap: v['field-map'] === undefined ? undefined : asUsage(() => parseEvalFieldMap(v['field-map']!), '--field-map: '),
        limit: v.limit,
        settings: { samples: v.samples, temperature: v.temperature, topP: v['top-p'], maxNewTokens: v['max-new-tokens'], batchSize: v.batch, seed: v.seed, reject: v.reject },
        promptStyle: v['prompt-style'],
        backend: v.backend,
        endpoint: v.endpoint,
        force: v.force,
      },
      { post, cancelled: () => stop, store: () => Promise.resolve(nodeFolderStore(out)), outFolder: out, backend: { threads: v.threads } },
    );
    if (done.status === 'stopped') log(`Resume with the same command.`);
    if (v.json) {
      const { status, done: n, total, kept, dropped, resumedFrom, seconds } = done;
      process.stdout.write(`${JSON.stringify({ status, done: n, total, kept, dropped, resumed_from: resumedFrom, seconds })}\n`);
    }
    const signal = stoppedBy();
    if (signal) process.exitCode = SIGNAL_EXIT[signal];
  },
});
