// The model worker: a thin shell that routes protocol requests (workers/protocol.ts) to models/
// and reports back as protocol events. All TensorFlow.js work happens here, off the page's thread.
import { initBackend } from '../models/backend';
import { wasmPaths } from '../models/backend-wasm-paths.browser';
import { fromPretrained, type Pretrained } from '../models/from-pretrained';
import { generate } from '../models/generate';
import { MemoryConsentError } from '../models/memory';
import type { GenerateRequest, LoadRequest, WorkerEvent, WorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent) => scope.postMessage(event);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

let loaded: Pretrained | null = null;
let running: AbortController | null = null;

async function load(req: LoadRequest): Promise<void> {
  if (running) throw new Error('A generation is running; stop it before loading another model.');
  loaded?.model.dispose();
  loaded = null;
  // The files download while the backend starts (compiling wasm, starting its threads).
  const backend = initBackend(req.backend, { wasmPaths, threads: req.threads }).then((info) => post({ type: 'backend', info }));
  try {
    loaded = await fromPretrained(req.source, {
      allocateAfter: backend,
      revision: req.revision,
      endpoint: req.endpoint,
      memory: { force: req.force },
      log: (line) => post({ type: 'log', line }),
      onProgress: (p) => post({ type: 'progress', file: p.file, loaded: p.loaded, total: p.total, cached: p.cached ?? false }),
    });
  } catch (e) {
    // Nothing was allocated: the page asks the user, and loads again with force if they agree.
    if (!(e instanceof MemoryConsentError)) throw e;
    post({ type: 'load-needs-consent', estimateBytes: e.estimateBytes, availableBytes: e.availableBytes, message: e.message });
    return;
  }
  const { config, estimate, tokenizer, files } = loaded;
  post({
    type: 'loaded',
    summary: {
      architecture: config.architecture,
      parameters: estimate.parameters,
      estimateBytes: estimate.totalBytes,
      weightBytes: estimate.weightBytes,
      contextLength: estimate.contextLength,
      vocabSize: config.vocabSize,
      bosTokenId: config.bosTokenId,
      hasTokenizer: tokenizer !== null,
      hasChatTemplate: tokenizer?.hasChatTemplate ?? false,
      source: files.description,
    },
  });
}

function promptIds(req: GenerateRequest, m: Pretrained): number[] {
  if (typeof req.prompt !== 'string') return req.prompt;
  const tok = m.tokenizer;
  if (!tok) throw new Error('This model has no tokenizer: give the prompt as token ids.');
  if (!req.options.useChatTemplate) return tok.encode(req.prompt);
  const text = tok.applyChatTemplate([{ role: 'user', content: req.prompt }], { addGenerationPrompt: true });
  return tok.encode(text, { addSpecialTokens: false });
}

async function run(req: GenerateRequest): Promise<void> {
  const m = loaded;
  if (!m) throw new Error('No model is loaded yet.');
  if (running) throw new Error('A generation is already running.');
  const { useChatTemplate: _, ...sampling } = req.options;
  const tok = m.tokenizer;
  const decode = tok ? (ids: number[]) => tok.decode(ids, { skipSpecialTokens: true }) : undefined;
  const ids: number[] = [];
  let shown = 0; // characters of decoded text already sent
  const controller = new AbortController();
  running = controller;
  try {
    const t0 = performance.now();
    const result = await generate(m.model, [promptIds(req, m)], {
      ...sampling,
      decode,
      signal: controller.signal,
      onToken: (_row, id) => {
        ids.push(id);
        let text = '';
        const full = decode?.(ids);
        // Hold text back while it ends in an incomplete multi-byte character.
        if (full !== undefined && !full.endsWith('\uFFFD')) {
          text = full.slice(shown);
          shown = full.length;
        }
        post({ type: 'token', id, text });
        if (req.stopFlag && Atomics.load(req.stopFlag, 0) !== 0) controller.abort();
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    post({
      type: 'done',
      ids: result.ids[0],
      ...(result.text && { text: result.text[0] }),
      stats: {
        promptTokens: result.promptTokens,
        generatedTokens: result.generatedTokens,
        tokensPerSecond: seconds > 0 ? result.generatedTokens / seconds : 0,
        prefillMs: result.prefillMs,
        decodeMs: result.decodeMs,
        finishReason: result.finishReasons[0],
      },
    });
  } finally {
    running = null;
  }
}

scope.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  const during = req.type === 'load' ? 'load' : req.type === 'generate' ? 'generate' : 'message';
  try {
    if (req.type === 'load') await load(req);
    else if (req.type === 'generate') await run(req);
    else if (req.type === 'stop') running?.abort();
    else throw new Error(`Unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
  } catch (err) {
    post({ type: 'error', message: messageOf(err), during });
  }
};
