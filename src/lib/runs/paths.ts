// Where a run's files live in its store (OPFS in the browser, a folder in Node): one layout for
// the workers that write them and the page that reads them.

/** runs/<id>, or one of its folders: the checkpoint, the exports, the copy of the training data. */
export const runPath = (runId: string, part?: 'checkpoint' | 'model' | 'adapter' | 'data') => `runs/${runId}${part ? `/${part}` : ''}`;

/** An evaluation's results.json and samples.jsonl. */
export const evalPath = (runId: string, task: string) => `runs/${runId}/eval/${task}`;
