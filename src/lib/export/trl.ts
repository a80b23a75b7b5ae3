// A run as a TRL script (SFTConfig / SFTTrainer of TRL 1.x, peft's LoraConfig), runnable with
// `accelerate launch` on any number of GPUs, and the accelerate config for several GPUs. Chat data
// is given to TRL as conversational prompt/completion (the prompt turns, then the assistant turn),
// so the loss falls on the completion only, as in the run, with any chat template.
import { length, microBatch, notMapped, schedulerName, warmup } from './hf-settings';
import { baseModelNote, outputDir, type RecipeRun } from './recipe';
import { yamlDocument } from './yaml-text';

/** A Python literal: JSON's strings, numbers and lists are Python's too; booleans and null are not. */
function py(v: string | number | boolean | null | string[]): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  return JSON.stringify(v);
}

const arg = (key: string, v: Parameters<typeof py>[0], comment?: string) => `    ${key}=${py(v)},${comment ? `  # ${comment}` : ''}`;

export function trlScript(r: RecipeRun): string {
  const c = r.run.config;
  const w = warmup(c);
  const n = length(c);
  const scheduler = schedulerName(c);
  const chat = r.rows.style === 'chat';
  const load = (file: string) => `load_dataset("json", data_files=${py(file)}, split="train")`;
  const lines = [
    `# TRL script for run ${r.id}: strategy ${r.run.strategy}, ${c.mode === 'lora' ? 'LoRA' : 'full fine-tuning'}, ${r.rows.style} prompts.`,
    '# Run from the recipe\'s folder:',
    `#   accelerate launch --config_file trl/accelerate_multi_gpu.yaml trl/train_${r.name.replaceAll('-', '_')}.py`,
    '# (one GPU: python this file). Written for TRL 1.x, peft 0.1x, transformers 4.5x/5.x.',
    '#',
    '# Not mapped (nothing in TRL does the same):',
    ...notMapped(c, r.run.revision).map((line) => `# - ${line}`),
    ...(chat ? [] : ['# - TRL tokenizes prompt + completion together; the run tokenized them apart (the same ids unless a token spans the seam).']),
    '',
    'from datasets import load_dataset',
    ...(c.mode === 'lora' ? ['from peft import LoraConfig'] : []),
    'from trl import SFTConfig, SFTTrainer',
    '',
    ...(chat
      ? [
          '',
          'def prompt_completion(row):',
          '    """The prompt turns, then the assistant turn: TRL puts the loss on the completion only."""',
          '    return {"prompt": row["messages"][:-1], "completion": row["messages"][-1:]}',
          '',
          '',
          `train_dataset = ${load(r.dataFile)}.map(prompt_completion, remove_columns=["messages"])`,
          ...(r.evalFile ? [`eval_dataset = ${load(r.evalFile)}.map(prompt_completion, remove_columns=["messages"])`] : []),
        ]
      : [`train_dataset = ${load(r.dataFile)}`, ...(r.evalFile ? [`eval_dataset = ${load(r.evalFile)}`] : [])]),
    '',
    'config = SFTConfig(',
    arg('output_dir', outputDir('trl', r)),
    arg('max_length', c.maxLength, 'truncation keeps the start, as ours'),
    arg('packing', c.packing, c.packing ? 'examples stay apart only with attn_implementation flash_attention_2 in model_init_kwargs' : undefined),
    ...(c.groupByLength ? [arg('group_by_length', true, 'transformers 4.x and 5.0; later 5.x releases: train_sampling_strategy="group_by_length"')] : []),
    arg('completion_only_loss', true),
    arg('per_device_train_batch_size', microBatch(c), 'the global batch is this × gradient_accumulation_steps × GPUs (the run had 1 device)'),
    arg('gradient_accumulation_steps', c.gradAccumSteps),
    ...('maxSteps' in n ? [arg('max_steps', n.maxSteps)] : [arg('num_train_epochs', n.epochs)]),
    arg('learning_rate', c.learningRate),
    arg('lr_scheduler_type', scheduler),
    ...(scheduler === 'cosine_with_min_lr' ? [`    lr_scheduler_kwargs={"min_lr_rate": ${py(c.minLrRatio)}},`] : []),
    'steps' in w ? arg('warmup_steps', w.steps) : arg('warmup_steps', w.ratio, 'a float below 1 is a ratio of the steps (transformers 5; warmup_ratio on 4.x)'),
    arg('optim', 'adamw_torch'),
    arg('adam_beta1', c.beta1),
    arg('adam_beta2', c.beta2),
    arg('adam_epsilon', c.epsilon),
    arg('weight_decay', c.weightDecay),
    arg('max_grad_norm', c.maxGradNorm),
    arg('gradient_checkpointing', c.gradientCheckpointing, 'TRL turns it on unless told'),
    arg('bf16', false, 'the run trained in float32; True is faster on GPUs that have bf16'),
    arg('seed', c.seed),
    arg('data_seed', c.seed),
    ...(r.evalFile && c.evalEvery > 0 ? [arg('eval_strategy', 'steps'), arg('eval_steps', c.evalEvery)] : []),
    ...(c.checkpointEvery > 0 ? [arg('save_steps', c.checkpointEvery)] : []),
    arg('logging_steps', 1),
    ')',
    ...(c.mode === 'lora'
      ? [
          '',
          'peft_config = LoraConfig(',
          arg('r', c.lora.rank),
          arg('lora_alpha', c.lora.alpha),
          arg('lora_dropout', c.lora.dropout),
          arg('target_modules', [...c.lora.targets]),
          arg('bias', 'none'),
          arg('task_type', 'CAUSAL_LM'),
          ')',
        ]
      : []),
    '',
    'trainer = SFTTrainer(',
    arg('model', r.baseModel, baseModelNote(r)),
    '    args=config,',
    '    train_dataset=train_dataset,',
    ...(r.evalFile ? ['    eval_dataset=eval_dataset,'] : []),
    ...(c.mode === 'lora' ? ['    peft_config=peft_config,'] : []),
    ')',
    'trainer.train()',
    'trainer.save_model()',
  ];
  return `${lines.join('\n')}\n`;
}

/** accelerate's config for one machine with several GPUs (set num_processes to their number). */
export function accelerateConfig(): string {
  return yamlDocument([
    'accelerate config: one machine, several GPUs. Set num_processes to the number of GPUs.',
    ['compute_environment', 'LOCAL_MACHINE'],
    ['distributed_type', 'MULTI_GPU'],
    ['num_machines', 1],
    ['machine_rank', 0],
    ['num_processes', 8],
    ['gpu_ids', 'all'],
    ['mixed_precision', 'no', 'the run trained in float32; bf16 is faster where the GPUs have it'],
    ['rdzv_backend', 'static'],
    ['same_network', true],
    ['main_training_function', 'main'],
    ['use_cpu', false],
  ]);
}
