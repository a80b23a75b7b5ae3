// The recipe folder's README.md: what is in it, how to run each engine, where each key comes from
// (the mapping table, also in the project's README), and what the engines do differently.
import type { RecipeEval } from './lm-eval';
import type { RecipeRun } from './recipe';

/** The versions whose key names the writers use. */
export const MAPPED_VERSIONS = 'axolotl 0.15 (config schema), TRL 1.x with peft 0.1x and transformers 4.5x/5.x, accelerate 1.x, LLaMA-Factory 0.9.3, lm-evaluation-harness 0.4.9';

/** Our run's setting → the key in each engine ("–": none; the files say so in a comment). */
const KEY_TABLE: [ours: string, axolotl: string, trl: string, llamaFactory: string][] = [
  ['model (run.json)', 'base_model', 'SFTTrainer(model=…)', 'model_name_or_path'],
  ['strategy → data/NAME.jsonl', 'datasets[].path', 'load_dataset("json", …)', 'dataset (dataset_info.json)'],
  ['chat prompts (messages)', 'type: chat_template, roles_to_train: [assistant]', 'prompt/completion turns', 'formatting: sharegpt'],
  ['plain prompts (prompt, completion)', 'type: {field_instruction, field_output}', 'prompt/completion', 'columns: {prompt, response}, template: empty'],
  ['loss on the completion only', 'train_on_inputs: false', 'completion_only_loss=True', 'train_on_prompt: false'],
  ['mode: full / lora', 'adapter: lora (absent: full)', 'peft_config=LoraConfig(…)', 'finetuning_type'],
  ['lora.rank', 'lora_r', 'LoraConfig(r=…)', 'lora_rank'],
  ['lora.alpha', 'lora_alpha', 'LoraConfig(lora_alpha=…)', 'lora_alpha'],
  ['lora.dropout', 'lora_dropout', 'LoraConfig(lora_dropout=…)', 'lora_dropout'],
  ['lora.targets', 'lora_target_modules', 'LoraConfig(target_modules=…)', 'lora_target'],
  ['maxLength', 'sequence_len', 'max_length', 'cutoff_len'],
  ['packing', 'sample_packing', 'packing', 'neat_packing'],
  ['groupByLength', 'group_by_length', 'group_by_length', 'group_by_length'],
  ['paddingFree (a layout: the same examples and loss)', 'not written: batch_flattening: true needs flash attention', 'not written: padding_free=True needs flash attention', '–'],
  ['batchSize', 'micro_batch_size', 'per_device_train_batch_size', 'per_device_train_batch_size'],
  ['gradAccumSteps', 'gradient_accumulation_steps', 'gradient_accumulation_steps', 'gradient_accumulation_steps'],
  ['epochs', 'num_epochs', 'num_train_epochs', 'num_train_epochs'],
  ['maxSteps', 'max_steps', 'max_steps', 'max_steps'],
  ['learningRate', 'learning_rate', 'learning_rate', 'learning_rate'],
  ['schedule (+ minLrRatio)', 'lr_scheduler (+ cosine_min_lr_ratio)', 'lr_scheduler_type (+ lr_scheduler_kwargs.min_lr_rate)', 'lr_scheduler_type (+ lr_scheduler_kwargs)'],
  ['warmupSteps / warmupRatio', 'warmup_steps / warmup_ratio', 'warmup_steps (a float < 1 is a ratio)', 'warmup_steps / warmup_ratio'],
  ['beta1, beta2, epsilon', 'adam_beta1, adam_beta2, adam_epsilon', 'adam_beta1, adam_beta2, adam_epsilon', 'adam_beta1, adam_beta2, adam_epsilon'],
  ['weightDecay', 'weight_decay', 'weight_decay', 'weight_decay'],
  ['maxGradNorm', 'max_grad_norm', 'max_grad_norm', 'max_grad_norm'],
  ['gradientCheckpointing', 'gradient_checkpointing', 'gradient_checkpointing', 'disable_gradient_checkpointing (negated)'],
  ['seed', 'seed', 'seed, data_seed', 'seed, data_seed'],
  ['evalSize → data/NAME.eval.jsonl, evalEvery', 'test_datasets, eval_steps', 'eval_dataset, eval_steps', 'eval_dataset, eval_steps'],
  ['checkpointEvery', 'save_steps', 'save_steps', 'save_steps'],
  ['batchTokens, data order (our RNG), LoRA init, maxNonFiniteSteps', '–', '–', '–'],
];

/** Our evaluation's setting → lm_eval's flag or task key. */
const EVAL_TABLE: [ours: string, lmEval: string][] = [
  ['task gsm8k / gsm8k_cot / gsm8k_cot_zeroshot on openai/gsm8k test', '--tasks (the harness\'s own task)'],
  ['task chat, or other eval data', '--tasks distill_… --include_path lm_eval/tasks (a task YAML)'],
  ['few-shot examples', '--num_fewshot'],
  ['batch size', '--batch_size'],
  ['limit', '--limit'],
  ['max new tokens', '--gen_kwargs max_gen_toks=…'],
  ['chat prompt style', '--apply_chat_template'],
  ['stop sequences, strict / flexible rules, exact_match options', 'generation_kwargs.until, filter_list, metric_list (task YAML)'],
  ['chat-extract and numeric_match scores', '– (exact_match with strict and flexible only)'],
];

const row = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;

/** The mapping tables, as markdown (the project's README holds the same text). */
export function mappingTables(): string {
  return [
    row(['our setting', 'axolotl', 'TRL (SFTConfig, peft)', 'LLaMA-Factory']),
    row(['---', '---', '---', '---']),
    ...KEY_TABLE.map((cells) => row(cells)),
    '',
    row(['our evaluation', 'lm_eval']),
    row(['---', '---']),
    ...EVAL_TABLE.map((cells) => row(cells)),
  ].join('\n');
}

export function recipeReadme(runs: RecipeRun[], evals: RecipeEval[]): string {
  const list = runs.map(
    (r) =>
      `- **${r.name}** (run ${r.id}): strategy ${r.run.strategy}, ${r.run.config.mode === 'lora' ? `LoRA rank ${r.run.config.lora.rank}` : 'full fine-tuning'}, ${r.rows.style} prompts; ` +
      `${r.rows.train.length} training examples${r.evalFile ? `, ${r.rows.eval.length} held out` : ''} (${r.rows.skipped} records skipped as in the run, ${r.rows.truncated} cut at ${r.run.config.maxLength} tokens).`,
  );
  return `# Distill Lab recipe

Exported from Distill Lab: the same SFT data, hyperparameters and evaluations, for engines that
run on many GPUs. Key names follow ${MAPPED_VERSIONS}. Run every command from this folder.

## Runs

${list.join('\n')}

\`data/NAME.jsonl\` is each run's training data after its strategy: \`{"messages": […]}\` for chat
prompts (the engine applies the model's chat template, as the run did), \`{"prompt", "completion"}\`
for plain prompts ("Question: …\\nAnswer:" and the answer after one space). The loss is on the
completion only, as in the run. \`data/NAME.eval.jsonl\` holds the examples the run held out.

## Train

- axolotl: \`axolotl train axolotl/NAME.yaml\`
- TRL: \`accelerate launch --config_file trl/accelerate_multi_gpu.yaml trl/train_NAME.py\` (set
  \`num_processes\` to your GPUs; on one GPU, \`python trl/train_NAME.py\`)
- LLaMA-Factory: \`llamafactory-cli train llamafactory/NAME.yaml\` (\`FORCE_TORCHRUN=1\` for several
  GPUs); its datasets are named in \`llamafactory/dataset_info.json\`

Each engine writes its model to \`outputs/ENGINE/NAME\`.

## Evaluate

\`sh lm_eval/commands.sh\` runs ${evals.length} evaluation${evals.length === 1 ? '' : 's'} with
lm-evaluation-harness, each as the run was evaluated (task, few-shot examples, batch size, limit,
token limit, chat template). Tasks the harness does not have are in \`lm_eval/tasks/\`.

## Where each key comes from

${mappingTables()}

## What the engines do differently

- **Data order and random draws.** Ours come from our seeded RNG; the engines use torch's, so the
  same seed gives another order, other dropout masks and another LoRA initialization. Expect the
  same curve within noise, not the same numbers.
- **Batches.** Our batch is on one device; theirs is per GPU (global = micro batch × accumulation ×
  GPUs). A token budget per micro-batch (\`batchTokens\`) has no equivalent.
- **Long examples.** Ours are cut at the end; TRL does the same, axolotl is told to truncate,
  LLaMA-Factory cuts prompt and answer in proportion.
- **Tokenization at the seam.** Ours encodes the prompt and the completion apart; axolotl and
  LLaMA-Factory do too, TRL encodes them together (the same ids unless a token spans the seam).
- **End of sequence.** The run trains the tokenizer's EOS right after each completion. TRL and
  axolotl's instruct format append it themselves, and LLaMA-Factory's plain rows
  (\`data/NAME.llamafactory.jsonl\`) carry it in the text; with a chat template each engine trains
  the template's own end of turn, which is the EOS for most models but not all.
- **Precision.** The run trained in float32; the files say bf16 off to match, and that bf16 is faster.
- **Defaults we override.** TRL and LLaMA-Factory turn gradient checkpointing on and LLaMA-Factory
  sets LoRA alpha to 2 × rank unless told: the files set both as the run had them.
- Each file ends with the settings it could not map, named in a comment.
`;
}
