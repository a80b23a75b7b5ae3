// A teacher from questions to distilled data, reporting as events: read the questions, load the
// model, and answer each question in the model's chat template, appending the responses to the
// output as each batch finishes. A folder that already holds responses is resumed: the pairs done
// are skipped. The page's teacher worker and the CLI's `teach` both run this.
import { initBackend, type BackendInfo, type BackendName, type BackendOptions } from '../../../models/backend';
import type { ModelSource } from '../../../models/files';
import { fromPretrained } from '../../../models/from-pretrained';
import { encodePrompt, renderPrompt, resolvePromptStyle } from '../data/prompt-format';
import { describeSkips } from '../data/report';
import { synthDataset } from '../data/synth';
import { loadEvalDocs, type EvalFieldMap } from '../eval/data';
import type { EvalDoc } from '../eval/tasks';
import { readJson, writeJson, type FileStore } from '../storage/file-store';
import { generateInBatches, progressClock } from '../teach/generate-batches';
import { modelIdentity } from '../teach/model-identity';
import { itemKey, readSaved, recordLines, rowSeed, sortResponses, TEACH_DEFAULTS, TEACH_FILES, teacherRecord, workList, type TeachSettings } from '../teach/teacher';
import { DATA_DEFAULTS, type PromptStyleChoice } from './defaults';
import { evalDataLocation, type EvalDataSource } from './sources';

/** The questions: the synthetic teacher's training questions (kind synth), GSM8K from the hub, or a file. */
export type QuestionSource = EvalDataSource;

export interface TeachSpec {
  /** The teacher: a Hugging Face id, an http(s) URL to a model folder, a site path, a folder (Node), or picked files. */
  model: ModelSource;
  questions: QuestionSource;
  /** For files whose fields are not GSM8K's question/answer. */
  fieldMap?: EvalFieldMap;
  /** The first N questions. */
  limit?: number;
  settings?: Partial<TeachSettings>;
  promptStyle?: PromptStyleChoice;
  backend?: BackendName;
  threads?: number;
  endpoint?: string;
  revision?: string;
  force?: boolean;
}

export interface TeachHost {
  post(event: TeachEvent): void;
  /** Read at every decode step: stop now, dropping the batch in flight. */
  cancelled(): boolean;
  /** Where distilled.jsonl, rejected.jsonl and teach.json go. */
  store(): Promise<FileStore>;
  /** The output folder in words: "teach/<id>" in browser storage, DIR in Node. */
  outFolder: string;
  backend?: BackendOptions;
}

export interface TeachCounts {
  /** Responses saved, of `total` (questions × samples). */
  done: number;
  total: number;
  kept: number;
  dropped: number;
}

export interface TeachDoneEvent extends TeachCounts {
  type: 'teach-done';
  /** 'stopped': cancelled; what was saved stays, and the same spec resumes it. */
  status: 'complete' | 'stopped';
  /** Responses that earlier runs in this folder had saved. */
  resumedFrom: number;
  seconds: number;
  /** Paths of the outputs: <outFolder>/distilled.jsonl (what the Data step reads) and the rest. */
  stored: string[];
}

export type TeachEvent =
  | { type: 'teach-backend'; info: BackendInfo }
  | { type: 'teach-log'; line: string }
  /** After each decode step (throttled) and each batch; questions/s counts this run's responses. */
  | ({ type: 'teach-progress'; fraction: number; questionsPerSecond: number; elapsedSeconds: number; etaSeconds: number | null } & TeachCounts)
  | TeachDoneEvent;

/**
 * What must match for a folder's saved responses to be resumed: the questions, the model and the
 * sampling. The batch size may change (each response has its own seed): a resume that ran out of
 * memory can go on in smaller batches.
 */
interface SavedSpec {
  model: string;
  questions: QuestionSource | string;
  fieldMap: EvalFieldMap | null;
  limit: number | null;
  promptStyle: string;
  settings: Omit<TeachSettings, 'batchSize'>;
}

async function loadQuestions(spec: TeachSpec, log: (line: string) => void): Promise<EvalDoc[]> {
  const q = spec.questions;
  if (q.kind === 'synth') return synthDataset(q).slice(0, spec.limit).map((r, id) => ({ id, question: r.question, answer: r.answer, difficulty: r.difficulty }));
  const { docs, skipped } = await loadEvalDocs(evalDataLocation(q, spec.endpoint), { limit: spec.limit, fieldMap: spec.fieldMap });
  for (const line of describeSkips(skipped)) log(`skipped ${line}`);
  return docs;
}

/** A File can't be saved as JSON: its name stands for it. */
const savedQuestions = (q: QuestionSource): QuestionSource | string => (q.kind === 'file' ? `file ${q.file.name}` : q);

async function checkResumable(store: FileStore, spec: SavedSpec, outFolder: string): Promise<void> {
  const saved = await readJson<SavedSpec>(store, TEACH_FILES.settings);
  if (!saved) {
    // Outputs without settings were not written by a teacher: never append to someone's data.
    const names = await store.list();
    const foreign = [TEACH_FILES.kept, TEACH_FILES.dropped].filter((name) => names.includes(name));
    if (foreign.length) throw new Error(`${outFolder} already has ${foreign.join(' and ')} but no ${TEACH_FILES.settings}: it is not a teacher's folder. Write to another folder.`);
    return writeJson(store, TEACH_FILES.settings, spec);
  }
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const differ = (Object.keys(spec) as (keyof SavedSpec)[]).filter((k) => show(saved[k]) !== show(spec[k]));
  if (differ.length > 0) {
    throw new Error(
      `${outFolder} holds a teacher run with other settings: ${differ.map((k) => `${k} was ${show(saved[k])}, now ${show(spec[k])}`).join('; ')}. ` +
        'Resume it with the same model and settings, or start a new one in another folder.',
    );
  }
}

/** A saved response whose question is not the one with its id now: the questions changed since. */
function checkSameQuestions(saved: Map<number, string>, docs: EvalDoc[], outFolder: string): void {
  const byId = new Map(docs.map((d) => [d.id, d.question]));
  for (const [id, question] of saved) {
    if (byId.get(id) !== question) {
      throw new Error(
        `${outFolder} has responses to other questions: question ${id} there is "${question.slice(0, 60)}…", but the questions now give ` +
          `${byId.has(id) ? `"${byId.get(id)!.slice(0, 60)}…"` : 'no such question'}. Resume with the same questions file, or start a new one in another folder.`,
      );
    }
  }
}

export async function runTeach(spec: TeachSpec, host: TeachHost): Promise<TeachDoneEvent> {
  const { post } = host;
  const settings: TeachSettings = { ...TEACH_DEFAULTS, ...spec.settings };
  const log = (line: string) => post({ type: 'teach-log', line });

  post({ type: 'teach-backend', info: await initBackend(spec.backend, { ...host.backend, ...(spec.threads && { threads: spec.threads }) }) });
  const docs = await loadQuestions(spec, log);
  const { model, tokenizer, files } = await fromPretrained(spec.model, { endpoint: spec.endpoint, revision: spec.revision, log, memory: { force: spec.force } });
  try {
    if (!tokenizer) throw new Error(`${files.description} has no tokenizer.json; a teacher needs the model's tokenizer`);
    const style = resolvePromptStyle(tokenizer, spec.promptStyle ?? DATA_DEFAULTS.promptStyle);
    const store = await host.store();
    const modelName = modelIdentity(spec.model, spec.revision, files);
    const { batchSize: _, ...sampling } = settings;
    const savedSpec: SavedSpec = { model: modelName, questions: savedQuestions(spec.questions), fieldMap: spec.fieldMap ?? null, limit: spec.limit ?? null, promptStyle: style, settings: sampling };
    await checkResumable(store, savedSpec, host.outFolder);
    const saved = await readSaved(store);
    checkSameQuestions(saved.questions, docs, host.outFolder);
    const all = workList(docs, settings.samples);
    const todo = all.filter((item) => !saved.done.has(itemKey(item.doc.id, item.sample)));
    const counts: TeachCounts = { done: all.length - todo.length, total: all.length, kept: saved.kept, dropped: saved.dropped };
    const resumedFrom = counts.done;
    log(
      `${docs.length} questions × ${settings.samples} samples on ${modelName}, prompt style ${style}, temperature ${settings.temperature}, top-p ${settings.topP}, ` +
        `max ${settings.maxNewTokens} new tokens${settings.reject ? ', rejection sampling on' : ''}` +
        (resumedFrom > 0 ? `; resuming: ${resumedFrom} responses already saved` : ''),
    );

    const prompts = new Map(docs.map((doc) => [doc.id, encodePrompt(renderPrompt([{ role: 'user', content: doc.question }], style, tokenizer), tokenizer)]));
    const clock = progressClock();
    const progress = (inFlight: number, force: boolean) => {
      const elapsedSeconds = clock.due(force);
      if (elapsedSeconds === null) return;
      const perSecond = elapsedSeconds > 0 ? (counts.done - resumedFrom + inFlight) / settings.samples / elapsedSeconds : 0;
      const left = counts.total - counts.done - inFlight;
      const fraction = (counts.done + inFlight) / Math.max(1, counts.total);
      post({ type: 'teach-progress', ...counts, fraction, questionsPerSecond: perSecond, elapsedSeconds, etaSeconds: perSecond > 0 ? left / settings.samples / perSecond : null });
    };
    progress(0, true);
    const complete = await generateInBatches(model, {
      items: todo,
      batchSize: settings.batchSize,
      prompt: (item) => prompts.get(item.doc.id)!,
      options: { maxNewTokens: settings.maxNewTokens, temperature: settings.temperature, topP: settings.topP, stopTokenIds: tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId] },
      rowSeed: (item) => rowSeed(settings.seed, item.doc.id, item.sample),
      stopped: host.cancelled,
      onStep: (inFlight) => progress(inFlight, false),
      save: async (batch, out) => {
        const records = batch.map((item, r) => teacherRecord(item, tokenizer.decode(out.ids[r], { skipSpecialTokens: true }), out.finishReasons[r]));
        const { kept, dropped } = sortResponses(records, settings.reject);
        // Dropped first: a crash between the two appends then regenerates kept responses, never loses one.
        if (dropped.length) await store.append(TEACH_FILES.dropped, recordLines(dropped));
        if (kept.length) await store.append(TEACH_FILES.kept, recordLines(kept));
        counts.done += batch.length;
        counts.kept += kept.length;
        counts.dropped += dropped.length;
        progress(0, true);
      },
    });
    const status = complete ? 'complete' : 'stopped';
    const names = await store.list();
    const stored = [TEACH_FILES.kept, TEACH_FILES.dropped, TEACH_FILES.settings].filter((name) => names.includes(name)).map((name) => `${host.outFolder}/${name}`);
    const seconds = clock.seconds();
    log(
      status === 'complete'
        ? `done: ${counts.kept} responses kept${settings.reject ? `, ${counts.dropped} dropped (final answer not the gold one)` : ''}; wrote ${host.outFolder}/${TEACH_FILES.kept}`
        : `stopped after ${counts.done} of ${counts.total} responses; the same settings resume it`,
    );
    const done: TeachDoneEvent = { type: 'teach-done', status, ...counts, resumedFrom, seconds, stored };
    post(done);
    return done;
  } finally {
    model.dispose();
  }
}
