// Loaded by teacher.html: drives the teacher worker through TeacherWorkerClient as the app does,
// and reads what a job left in browser storage.
import { TeacherWorkerClient } from '../../src/lib/clients/teacher-client';
import { opfsStore } from '../../src/lib/storage/opfs-store';
import type { SummarizeDoneEvent, SummarizeStartRequest, TeachDoneEvent, TeachStartRequest } from '../../workers/protocol';

export interface TeacherJob {
  teach?: Omit<TeachStartRequest, 'type' | 'stopFlag'>;
  /** The summarizer's data as text; it becomes a File named data.jsonl in the page. */
  summarize?: Omit<SummarizeStartRequest, 'type' | 'stopFlag' | 'data'> & { dataText: string };
  /** Stop as soon as this many responses are saved: the worker goes on to the next batch meanwhile. */
  stopAfterSaved?: number;
}

export interface TeacherJobResult {
  done: TeachDoneEvent | SummarizeDoneEvent | null;
  error: string | null;
  /** Saved counts seen in progress events, in order. */
  progress: number[];
}

declare global {
  interface Window {
    teacherTest?: {
      run(job: TeacherJob): Promise<TeacherJobResult>;
      readText(path: string, name: string): Promise<string | null>;
    };
  }
}

function run(job: TeacherJob): Promise<TeacherJobResult> {
  const result: TeacherJobResult = { done: null, error: null, progress: [] };
  return new Promise((resolve) => {
    const finish = () => {
      client.terminate();
      resolve(result);
    };
    const client = new TeacherWorkerClient((e) => {
      if (e.type === 'teach-progress' || e.type === 'summarize-progress') {
        result.progress.push(e.done);
        if (job.stopAfterSaved !== undefined && e.done >= job.stopAfterSaved) client.stop();
      } else if (e.type === 'teach-done' || e.type === 'summarize-done') {
        result.done = e;
        finish();
      } else if (e.type === 'teacher-error') {
        result.error = e.message;
        finish();
      }
    });
    if (job.teach) client.teach(job.teach);
    else if (job.summarize) {
      const { dataText, ...request } = job.summarize;
      client.summarize({ ...request, data: new File([dataText], 'data.jsonl') });
    }
  });
}

window.teacherTest = {
  run,
  async readText(path, name) {
    const bytes = await (await opfsStore(path)).read(name);
    return bytes && new TextDecoder().decode(bytes);
  },
};
