// The Data step's teacher and model summarizer: the loaded model answers questions (distilled data
// for the Data step), or summarizes the reasoning of the data shown (the paper's think-summary).
// Jobs run in the teacher worker with their outputs in browser storage (teach/<id>/); the last
// teacher job is remembered, so a closed tab or a stop resumes where it was.
import { TeacherWorkerClient } from '../clients/teacher-client';
import { parseDifficulty } from '../data/synth';
import { SUMMARIZE_FORM_DEFAULTS, TEACH_FORM_DEFAULTS } from '../lab-defaults';
import { newRunId, teachPath } from '../runs/paths';
import { opfsFiles, opfsStore, removeOpfsPath } from '../storage/opfs-store';
import { TEACH_FILES } from '../teach/teacher';
import { SUMMARIZED_FILE } from '../teach/summarizer';
import type { EvalDataSource, TeacherWorkerEvent, TeachStartRequest } from '../../../workers/protocol';
import { data, dataForm } from './data.svelte';
import { FIX_FIELDS_TEXT, invalidFields, SUMMARIZE_RULES, TEACH_LIMIT_RULES, TEACH_RULES, TEACH_SYNTH_RULES } from './form-rules';
import { fieldMapFromText } from './field-map-text';
import { session } from './session.svelte';
import { teacherProgressText } from './status-text';

export const teachForm = $state({ ...TEACH_FORM_DEFAULTS, url: '', fieldMap: '', file: null as File | null });
export const summarizeForm = $state({ ...SUMMARIZE_FORM_DEFAULTS });

/** Where the questions file of a job is kept, so that a resumed job reads the same questions. */
const questionsPath = (jobId: string) => `${teachPath(jobId)}/questions`;
/** The last teacher job, kept across reloads: its id and the form it started from (without the file). */
const LAST_JOB_KEY = 'distill-lab:teacher-job';

interface LastJob {
  jobId: string;
  form: Omit<typeof teachForm, 'file'>;
  status: 'running' | 'stopped' | 'complete';
}

type JobKind = 'teach' | 'summarize';

export interface JobProgress {
  done: number;
  total: number;
  fraction: number;
  /** Teacher only: responses kept and dropped, and questions per second. */
  kept?: number;
  dropped?: number;
  questionsPerSecond?: number;
  etaSeconds: number | null;
}

function readLastJob(): LastJob | null {
  try {
    return JSON.parse(localStorage.getItem(LAST_JOB_KEY) ?? 'null') as LastJob | null;
  } catch {
    return null;
  }
}

async function questionsFrom(form: typeof teachForm, jobId: string): Promise<EvalDataSource> {
  switch (form.questionsKind) {
    case 'synth':
      return { kind: 'synth', n: form.synthN, seed: form.synthSeed, difficulty: parseDifficulty(form.difficulty) };
    case 'hub':
      return { kind: 'hub', split: 'train' };
    case 'url':
      if (!form.url.trim()) throw new Error('Enter the URL of a JSONL, JSON or Parquet file of questions.');
      return { kind: 'url', url: form.url.trim() };
    case 'file': {
      // A copy in browser storage: the job can resume after the tab is closed.
      const kept = await opfsFiles(questionsPath(jobId));
      if (form.file) {
        if (!kept.some((f) => f.name === form.file!.name && f.size === form.file!.size)) {
          await (await opfsStore(questionsPath(jobId))).write(form.file.name, new Uint8Array(await form.file.arrayBuffer()));
        }
        return { kind: 'file', file: (await opfsFiles(questionsPath(jobId))).find((f) => f.name === form.file!.name)! };
      }
      if (kept.length === 1) return { kind: 'file', file: kept[0] };
      throw new Error('Choose a file of questions (JSONL, JSON or Parquet, with gold answers).');
    }
  }
}

class TeacherState {
  running = $state<JobKind | null>(null);
  /** The kind of the job that the error, log and progress below belong to: each panel shows its own. */
  kind = $state<JobKind | null>(null);
  error = $state<string | null>(null);
  log = $state<string[]>([]);
  progress = $state.raw<JobProgress | null>(null);
  progressText = $derived(this.running ? teacherProgressText(this.running, this.progress) : '');
  /** The last teacher job: resumable while its status is 'stopped' (or 'running' after a closed tab). */
  lastJob = $state.raw<LastJob | null>(typeof localStorage === 'undefined' ? null : readLastJob());
  /** The finished job's distilled data, ready for the Data step. */
  result = $state.raw<{ jobId: string; kept: number; dropped: number; reject: boolean } | null>(null);

  invalid = $derived([
    ...invalidFields(teachForm, TEACH_RULES),
    ...(teachForm.questionsKind === 'synth' ? invalidFields(teachForm, TEACH_SYNTH_RULES) : invalidFields(teachForm, TEACH_LIMIT_RULES)),
  ]);
  summarizeInvalid = $derived(invalidFields(summarizeForm, SUMMARIZE_RULES));
  resumable = $derived(this.lastJob !== null && this.lastJob.status !== 'complete');

  #client: TeacherWorkerClient | null = null;

  #remember(job: LastJob | null): void {
    this.lastJob = job;
    if (job) localStorage.setItem(LAST_JOB_KEY, JSON.stringify(job));
    else localStorage.removeItem(LAST_JOB_KEY);
  }

  /** Starts a new teacher job on the form's settings (not while a stopped one waits: resume or discard it first). */
  start(): Promise<boolean> {
    if (this.resumable) return this.#fail('A stopped teacher job is waiting: resume it, or discard it first.', 'teach');
    const { file: _, ...form } = teachForm;
    return this.#teach({ jobId: newRunId('teach', form.questionsKind), form: $state.snapshot(form), status: 'running' });
  }

  /** Deletes the stopped job and what it saved. */
  async discard(): Promise<void> {
    const job = this.lastJob;
    if (!job || this.running) return;
    await removeOpfsPath(teachPath(job.jobId));
    this.#remember(null);
  }

  /** Resumes the last job with the settings it started with (the form shows them again). */
  resume(): Promise<boolean> {
    const job = this.lastJob;
    if (!job) return Promise.resolve(false);
    Object.assign(teachForm, job.form, { file: null });
    return this.#teach(job);
  }

  stop(): void {
    this.#client?.stop();
  }

  async #teach(job: LastJob): Promise<boolean> {
    if (this.running) return false;
    if (this.invalid.length > 0) return this.#fail(FIX_FIELDS_TEXT, 'teach');
    const model = session.source;
    if (!model) return this.#fail('Load a model in step 1 first: it is the teacher.', 'teach');
    // Taken before the first await: a second click cannot start a second job.
    Object.assign(this, { running: 'teach', kind: 'teach', error: null, log: [], progress: null, result: null });
    let questions: EvalDataSource;
    let fieldMap: ReturnType<typeof fieldMapFromText>;
    try {
      fieldMap = teachForm.questionsKind === 'file' || teachForm.questionsKind === 'url' ? fieldMapFromText(teachForm.fieldMap) : {};
      questions = await questionsFrom(teachForm, job.jobId);
    } catch (e) {
      this.running = null;
      return this.#fail((e as Error).message, 'teach');
    }
    const f = job.form;
    const request: Omit<TeachStartRequest, 'type' | 'stopFlag'> = {
      jobId: job.jobId,
      // The model as step 1 loaded it: source, backend, threads, hub endpoint and revision, force.
      ...model,
      questions,
      ...fieldMap,
      ...(f.questionsKind !== 'synth' && { limit: f.limit }),
      settings: { temperature: f.temperature, topP: f.topP, maxNewTokens: f.maxNewTokens, samples: f.samples, batchSize: f.batchSize, seed: f.seed, reject: f.reject },
    };
    this.#remember({ ...job, status: 'running' });
    return this.#run('teach', (client) => client.teach(request), (event) => {
      if (event.type === 'teach-done') {
        this.#remember({ ...job, status: event.status });
        if (event.status === 'complete') this.result = { jobId: job.jobId, kept: event.kept, dropped: event.dropped, reject: f.reject };
        return true;
      }
      return false;
    });
  }

  /** Summarizes the reasoning of the data the Data step shows; the summarized copy is read in its place. */
  summarize(): Promise<boolean> {
    if (this.running) return Promise.resolve(false);
    if (this.summarizeInvalid.length > 0) return this.#fail(FIX_FIELDS_TEXT, 'summarize');
    const model = session.source;
    if (!model) return this.#fail('Load a model in step 1 first: it writes the summaries.', 'summarize');
    if (!data.file) return this.#fail('Read some data first: the summarizer works on the data shown.', 'summarize');
    const jobId = newRunId('summarize', 'data');
    const { prompt, maxNewTokens, batchSize } = $state.snapshot(summarizeForm);
    return this.#run(
      'summarize',
      (client) =>
        client.summarize({
          jobId,
          ...model,
          data: data.file!,
          settings: { prompt, maxNewTokens, batchSize },
        }),
      (event) => {
        if (event.type !== 'summarize-done') return false;
        if (event.status === 'complete') void this.#readIntoDataStep(jobId, SUMMARIZED_FILE, 'summarize');
        return true;
      },
    );
  }

  /** Shows a finished teacher job's distilled data in the Data step. */
  useResult(): Promise<void> {
    return this.result ? this.#readIntoDataStep(this.result.jobId, TEACH_FILES.kept, 'teach') : Promise.resolve();
  }

  async #readIntoDataStep(jobId: string, name: string, kind: JobKind): Promise<void> {
    try {
      const file = (await opfsFiles(teachPath(jobId))).find((f) => f.name === name);
      if (!file) throw new Error(`${teachPath(jobId)}/${name} is not in browser storage: no ${kind === 'teach' ? 'response was kept' : 'summary was written'}.`);
      Object.assign(dataForm, { kind: 'file', file });
      await data.inspect();
    } catch (e) {
      void this.#fail((e as Error).message, kind);
    }
  }

  #run(kind: JobKind, send: (client: TeacherWorkerClient) => void, finished: (event: TeacherWorkerEvent) => boolean): Promise<boolean> {
    Object.assign(this, { running: kind, kind, error: null, log: [], progress: null, ...(kind === 'teach' && { result: null }) });
    return new Promise((resolve) => {
      const end = (ok: boolean) => {
        this.#client?.terminate();
        this.#client = null;
        this.running = null;
        resolve(ok);
      };
      this.#client?.terminate();
      this.#client = new TeacherWorkerClient((event) => {
        switch (event.type) {
          case 'teach-backend':
          case 'summarize-backend':
            this.log.push(event.info.summary);
            break;
          case 'teach-log':
          case 'summarize-log':
            this.log.push(event.line);
            break;
          case 'teach-progress':
          case 'summarize-progress': {
            const { done, total, fraction, etaSeconds } = event;
            this.progress =
              event.type === 'teach-progress'
                ? { done, total, fraction, etaSeconds, kept: event.kept, dropped: event.dropped, questionsPerSecond: event.questionsPerSecond }
                : { done, total, fraction, etaSeconds };
            break;
          }
          case 'teacher-error':
            this.error = event.message;
            if (kind === 'teach' && this.lastJob) this.#remember({ ...this.lastJob, status: 'stopped' });
            end(false);
            break;
          default:
            if (finished(event)) end(true);
        }
      });
      send(this.#client);
    });
  }

  #fail(message: string, kind: JobKind): Promise<boolean> {
    Object.assign(this, { error: message, kind });
    return Promise.resolve(false);
  }
}

export const teacher = new TeacherState();
