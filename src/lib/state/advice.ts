// What to do next after a failure: known error messages from the workers (tfjs backends, the
// browser's memory, the network, the data, the optimizer) mapped to one line of advice that names
// the control in this page to change. DOM-free, so the mapping is tested in Node.

/** Where the failure happened: the advice names that step's controls. */
export type FailureContext = 'load' | 'data' | 'train' | 'eval' | 'teach';

interface Rule {
  /** Matched against the error message, case-insensitively. */
  match: RegExp;
  advice: (context: FailureContext) => string | null;
}

export const WASM_ADVICE =
  'The GPU backend failed in this browser. Use the wasm backend: reload the page with ?backend=wasm added to its address, or choose "wasm" under Backend in step 1 and load the model again.';

const MEMORY_ADVICE: Record<FailureContext, string> = {
  load: 'The model does not fit in this browser\'s memory: pick a smaller model in step 1, or close other tabs and load again.',
  data: 'The data does not fit in this browser\'s memory: use a smaller file, or lower Max length (tokens) in step 2.',
  train:
    'Training ran out of memory: lower Batch size, lower Max length (tokens) in step 2, fine-tune with LoRA, or tick Gradient checkpointing, then start again.',
  eval: 'Evaluation ran out of memory: lower Batch size or Max new tokens, then evaluate again.',
  teach: 'The teacher ran out of memory: lower Batch or Max new tokens, then resume (what was saved is kept).',
};

const NETWORK_ADVICE: Record<FailureContext, string> = {
  load: 'Check the model id or URL in step 1, and under Hub options the endpoint and revision; the folder needs config.json and model.safetensors. Check that this browser is online.',
  data: 'Check the data URL in step 2 (open it in a new tab to see that it downloads), or for Real questions (GSM8K) the hub endpoint in step 1, and that this browser is online; set Real questions to 0 to work offline.',
  train: 'Check that the model in step 1 and the data in step 2 still load (their URL, hub id and endpoint), and that this browser is online.',
  eval: 'Check the eval data URL (or the hub endpoint in step 1 for GSM8K), and that this browser is online; or evaluate on the synthetic problems.',
  teach: "Check the questions' URL (or the hub endpoint in step 1 for GSM8K), and that this browser is online; or use the synthetic teacher's questions.",
};

// Most specific first: the first rule that matches gives the advice.
const RULES: Rule[] = [
  { match: /evaluation cancelled|training cancelled/i, advice: () => null },
  {
    match: /failed to compile (fragment|vertex) shader|webgl context (was )?lost|context_lost_webgl|context lost|high memory usage in gpu|gpu ?device (was )?lost|device (was )?lost|webgl2? (is )?not supported|failed to link vertex and fragment shaders/i,
    advice: () => WASM_ADVICE,
  },
  {
    match: /out of memory|typed array length|array buffer allocation failed|allocation failed|cannot allocate|cannot enlarge memory|maximum memory size exceeded|aborted\(oom\)|does not fit|needs about [\d.]+ ?[kmgt]?i?b/i,
    advice: (c) => MEMORY_ADVICE[c],
  },
  {
    match: /quotaexceeded|quota exceeded|storage quota|no space/i,
    advice: () => 'Browser storage is full: delete runs you no longer need under Saved runs (export them first to keep a copy), then try again.',
  },
  {
    match: /not finite|non-finite|\bnan\b/i,
    advice: (c) => (c === 'train' ? 'Lower the Learning rate (e.g. divide it by 10) and start again.' : null),
  },
  {
    match: /failed to fetch|networkerror|network error|could not reach|load failed|http 404|\b404\b|no file at this address|was not found in|neither .* was found|err_/i,
    advice: (c) => NETWORK_ADVICE[c],
  },
  {
    match: /private or gated|http 40[13]/i,
    advice: () => 'This needs access on the Hugging Face hub: pick a public model or dataset, or download the files and choose them as local files.',
  },
  {
    match: /no training examples|too few to hold out|every record was skipped|usable examples/i,
    advice: () => 'Check the data in step 2: see the skipped lines and their reasons, raise Max length (tokens), or lower Held-out examples.',
  },
  {
    match: /no eval items/i,
    advice: () => 'Check the eval data: it needs GSM8K-style records (question, and an answer ending "#### N" or a number); name other fields in Field map.',
  },
  {
    match: /no tokenizer/i,
    advice: () => 'Use a model folder that has tokenizer.json (and tokenizer_config.json) beside its weights.',
  },
  {
    match: /checkpoint was made on other training data|belongs to another model|checkpoint is incomplete/i,
    advice: () => 'This checkpoint cannot be continued: start a new run in step 3.',
  },
  {
    match: /worker failed|could not start/i,
    advice: () => 'Reload the page. If it happens again, reload with ?backend=wasm added to the address.',
  },
];

/** One line on what to do after the failure `message`, or null when there is nothing to add. */
export function adviceFor(message: string, context: FailureContext): string | null {
  for (const rule of RULES) if (rule.match.test(message)) return rule.advice(context);
  return null;
}
