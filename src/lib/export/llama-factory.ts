// A run as a LLaMA-Factory training YAML (keys of LLaMA-Factory 0.9.3), and the dataset_info.json
// entries that name the recipe's data: chat data in the sharegpt format with OpenAI role names,
// plain prompts in the alpaca format (the whole "Question: …\nAnswer:" as the instruction).
import { length, microBatch, notMapped, schedulerName, warmup } from './hf-settings';
import { baseModelNote, outputDir, type RecipeRun } from './recipe';
import { yamlDocument, type YamlEntry, type YamlMap } from './yaml-text';

const datasetName = (r: RecipeRun, part: 'train' | 'eval') => `distill_${r.name.replaceAll('-', '_')}${part === 'eval' ? '_eval' : ''}`;

/** Plain-prompt rows for LLaMA-Factory: its `empty` template adds no EOS, so each completion carries it. */
export const llamaFactoryFile = (file: string) => file.replace(/\.jsonl$/, '.llamafactory.jsonl');

export function llamaFactoryRows(rows: string[], eosText: string): string[] {
  return rows.map((line) => {
    const row = JSON.parse(line) as { prompt: string; completion: string };
    return JSON.stringify({ ...row, completion: row.completion + eosText });
  });
}

function datasetEntry(r: RecipeRun, file: string): YamlMap {
  // file_name is relative to dataset_dir (llamafactory/).
  const fileName = `../${file}`;
  if (r.rows.style === 'chat') {
    return {
      file_name: fileName,
      formatting: 'sharegpt',
      columns: { messages: 'messages' },
      tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
    };
  }
  return { file_name: llamaFactoryFile(fileName), columns: { prompt: 'prompt', response: 'completion' } };
}

/** data/dataset_info.json's entries for every run of the recipe. */
export function llamaFactoryDatasets(runs: RecipeRun[]): string {
  const info: YamlMap = {};
  for (const r of runs) {
    info[datasetName(r, 'train')] = datasetEntry(r, r.dataFile);
    if (r.evalFile) info[datasetName(r, 'eval')] = datasetEntry(r, r.evalFile);
  }
  return `${JSON.stringify(info, null, 2)}\n`;
}

export function llamaFactoryConfig(r: RecipeRun): string {
  const c = r.run.config;
  const w = warmup(c);
  const n = length(c);
  const scheduler = schedulerName(c);
  const entries: (YamlEntry | string)[] = [
    `LLaMA-Factory config for run ${r.id}: strategy ${r.run.strategy}, ${c.mode === 'lora' ? 'LoRA' : 'full fine-tuning'}, ${r.rows.style} prompts.`,
    `Run from the recipe's folder: llamafactory-cli train llamafactory/${r.name}.yaml (several GPUs: FORCE_TORCHRUN=1 before it)`,
    '',
    ['model_name_or_path', r.baseModel, baseModelNote(r)],
    ['stage', 'sft'],
    ['do_train', true],
    ['finetuning_type', c.mode],
    ...(c.mode === 'lora'
      ? ([
          ['lora_rank', c.lora.rank],
          ['lora_alpha', c.lora.alpha, 'LLaMA-Factory would default to 2 × rank'],
          ['lora_dropout', c.lora.dropout],
          ['lora_target', c.lora.targets.join(',')],
        ] as YamlEntry[])
      : []),
    ['dataset', datasetName(r, 'train')],
    ...(r.evalFile ? [['eval_dataset', datasetName(r, 'eval')] as YamlEntry] : []),
    ['dataset_dir', 'llamafactory'],
    ...(r.rows.style === 'chat'
      ? ["No template key: LLaMA-Factory then uses the tokenizer's own chat template, as the run did."]
      : ([['template', 'empty', "the prompt as it is; the data's completions end in the EOS the run trained"]] as YamlEntry[])),
    ['cutoff_len', c.maxLength, 'LLaMA-Factory cuts prompt and answer in proportion; the run cut at the end'],
    ['train_on_prompt', false, 'the loss is on the completion only, as in the run'],
    ...(c.packing ? [['neat_packing', true, 'packing with attention kept inside each example'] as YamlEntry] : []),
    ...(c.groupByLength ? [['group_by_length', true, "transformers' TrainingArguments, passed through"] as YamlEntry] : []),
    ['output_dir', outputDir('llamafactory', r)],
    ['per_device_train_batch_size', c.batchSize, 'the global batch is this × gradient_accumulation_steps × GPUs (the run had 1 device)'],
    ['gradient_accumulation_steps', c.gradAccumSteps],
    'maxSteps' in n ? ['max_steps', n.maxSteps] : ['num_train_epochs', n.epochs],
    ['learning_rate', c.learningRate],
    ['lr_scheduler_type', scheduler],
    ...(scheduler === 'cosine_with_min_lr' ? [['lr_scheduler_kwargs', { min_lr_rate: c.minLrRatio }] as YamlEntry] : []),
    'steps' in w ? ['warmup_steps', w.steps] : ['warmup_ratio', w.ratio],
    ['optim', 'adamw_torch'],
    ['adam_beta1', c.beta1],
    ['adam_beta2', c.beta2],
    ['adam_epsilon', c.epsilon],
    ['weight_decay', c.weightDecay],
    ['max_grad_norm', c.maxGradNorm],
    ['disable_gradient_checkpointing', !c.gradientCheckpointing, 'LLaMA-Factory checkpoints unless told'],
    ['bf16', false, 'the run trained in float32'],
    ['seed', c.seed],
    ['data_seed', c.seed],
    ...(r.evalFile && c.evalEvery > 0 ? ([['eval_strategy', 'steps'], ['eval_steps', c.evalEvery]] as YamlEntry[]) : []),
    ...(c.checkpointEvery > 0 ? [['save_steps', c.checkpointEvery] as YamlEntry] : []),
    ['logging_steps', 1],
    '',
    'Not mapped (no LLaMA-Factory setting does the same):',
    ...notMapped(c, r.run.revision).map((line) => `- ${line}`),
  ];
  return yamlDocument(entries);
}
