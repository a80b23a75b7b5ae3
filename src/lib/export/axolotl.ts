// A run as an axolotl config (keys of axolotl 0.15's config schema): the run's data with the loss
// on the completion only (chat_template on the assistant turn, or a prompt/completion instruct
// format with train_on_inputs false), and every training setting that axolotl has.
import { length, microBatch, notMapped, schedulerName, warmup } from './hf-settings';
import { baseModelNote, outputDir, type RecipeRun } from './recipe';
import { yamlDocument, type YamlEntry, type YamlMap } from './yaml-text';

/** The dataset entry for one of the run's files. */
function dataset(r: RecipeRun, path: string): YamlMap {
  if (r.rows.style === 'chat') {
    return {
      path,
      ds_type: 'json',
      split: 'train',
      type: 'chat_template',
      field_messages: 'messages',
      message_property_mappings: { role: 'role', content: 'content' },
      roles_to_train: ['assistant'],
      train_on_eos: 'turn',
    };
  }
  // "Question: …\nAnswer:" as the instruction as it is, the answer (with its leading space) as the
  // output: masked like the run. (axolotl's `completion` type would train on the prompt too.)
  return { path, ds_type: 'json', split: 'train', type: { field_instruction: 'prompt', field_output: 'completion', format: '{instruction}', no_input_format: '{instruction}' } };
}

export function axolotlConfig(r: RecipeRun): string {
  const c = r.run.config;
  const w = warmup(c);
  const n = length(c);
  const entries: (YamlEntry | string)[] = [
    `axolotl config for run ${r.id}: strategy ${r.run.strategy}, ${c.mode === 'lora' ? 'LoRA' : 'full fine-tuning'}, ${r.rows.style} prompts.`,
    `Run from the recipe's folder: axolotl train axolotl/${r.name}.yaml`,
    `Multi-GPU: axolotl train axolotl/${r.name}.yaml --launcher accelerate -- --config_file=trl/accelerate_multi_gpu.yaml`,
    '',
    ['base_model', r.baseModel, baseModelNote(r)],
    ['datasets', [dataset(r, r.dataFile)]],
    ...(r.evalFile ? [['test_datasets', [dataset(r, r.evalFile)], `the run's ${r.rows.eval.length} held-out examples`] as YamlEntry] : []),
    ...(r.rows.style === 'chat' ? [['chat_template', 'tokenizer_default', 'the model\'s own template, as the run used'] as YamlEntry] : []),
    ['dataset_prepared_path', `outputs/axolotl/prepared/${r.name}`],
    ['sequence_len', c.maxLength],
    ['excess_length_strategy', 'truncate', 'ours cuts long examples at the end'],
    ['sample_packing', c.packing, c.packing ? 'examples stay apart only with flash or flex attention (attn_implementation)' : undefined],
    ['group_by_length', c.groupByLength],
    ['micro_batch_size', microBatch(c), 'per GPU: the global batch is this × gradient_accumulation_steps × GPUs (the run had 1 device)'],
    ['gradient_accumulation_steps', c.gradAccumSteps],
    'maxSteps' in n ? ['max_steps', n.maxSteps] : ['num_epochs', n.epochs],
    ['learning_rate', c.learningRate],
    ['lr_scheduler', schedulerName(c) === 'cosine_with_min_lr' ? 'cosine' : schedulerName(c)],
    ...(c.schedule === 'cosine' && c.minLrRatio > 0 ? [['cosine_min_lr_ratio', c.minLrRatio] as YamlEntry] : []),
    'steps' in w ? ['warmup_steps', w.steps] : ['warmup_ratio', w.ratio],
    ['optimizer', 'adamw_torch'],
    ['adam_beta1', c.beta1],
    ['adam_beta2', c.beta2],
    ['adam_epsilon', c.epsilon],
    ['weight_decay', c.weightDecay, 'like ours, not applied to biases and norms'],
    ['max_grad_norm', c.maxGradNorm, c.maxGradNorm === 0 ? 'clipping off, as in the run' : undefined],
    ['train_on_inputs', false, 'the loss is on the completion only, as in the run'],
    ['gradient_checkpointing', c.gradientCheckpointing],
    ['bf16', false, 'the run trained in float32; bf16: auto is faster on GPUs that have it'],
    ['seed', c.seed],
    ...(c.mode === 'lora'
      ? ([
          ['adapter', 'lora'],
          ['lora_r', c.lora.rank],
          ['lora_alpha', c.lora.alpha],
          ['lora_dropout', c.lora.dropout],
          ['lora_target_modules', [...c.lora.targets]],
        ] as YamlEntry[])
      : []),
    ...(c.evalEvery > 0 && r.evalFile ? [['eval_steps', c.evalEvery] as YamlEntry] : []),
    ...(c.checkpointEvery > 0 ? [['save_steps', c.checkpointEvery] as YamlEntry] : []),
    ['logging_steps', 1],
    ['output_dir', outputDir('axolotl', r)],
    '',
    'Not mapped (no axolotl setting does the same):',
    ...notMapped(c, r.run.revision).map((line) => `- ${line}`),
  ];
  return yamlDocument(entries);
}
