// Checkpoints: the trainable tensors, the optimizer moments and the loop's position, in a
// FileStore (a folder in Node, OPFS in the browser). Tensor files carry the step in their name
// and state.json, written last, names them: a crash mid-save leaves the previous checkpoint whole.
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, writeSafetensors } from '../../../models/safetensors';
import { readJson, writeJson, type FileStore } from '../storage/file-store';
import type { TrainConfig } from './config';
import type { AdamW } from './optimizer';
import type { StepMetrics } from './trainer';

export const CHECKPOINT_FORMAT = 'distill-lab-checkpoint';
const STATE = 'state.json';

export interface CheckpointState {
  config: TrainConfig;
  step: number;
  totalSteps: number;
  epoch: number;
  stepInEpoch: number;
  nonFiniteRun: number;
  skippedSteps: number;
  elapsedMs: number;
  dataFingerprint: string;
  history: StepMetrics[];
}

interface StateFile extends CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  optimizerStep: number;
  files: { params: string; optimizer: string };
}

async function tensorsToWrite(entries: [string, tf.Tensor][]) {
  return Promise.all(entries.map(async ([name, t]) => ({ name, shape: t.shape, data: (await t.data()) as Float32Array })));
}

export async function writeCheckpoint(store: FileStore, state: CheckpointState, params: Map<string, tf.Variable>, optimizer: AdamW): Promise<void> {
  const tag = String(state.step).padStart(6, '0');
  const files = { params: `params-${tag}.safetensors`, optimizer: `optimizer-${tag}.safetensors` };
  const names = [...params.keys()];
  await store.write(files.params, writeSafetensors(await tensorsToWrite([...params])));
  const moments: [string, tf.Tensor][] = names.flatMap((n, i) => [[`m.${n}`, optimizer.m[i]], [`v.${n}`, optimizer.v[i]]] as [string, tf.Tensor][]);
  await store.write(files.optimizer, writeSafetensors(await tensorsToWrite(moments)));
  const file: StateFile = { format: CHECKPOINT_FORMAT, version: 1, ...state, optimizerStep: optimizer.step, files };
  await writeJson(store, STATE, file);
  // Older tensor files are no longer named by state.json.
  for (const name of await store.list()) {
    if (/^(params|optimizer)-\d+\.safetensors$/.test(name) && name !== files.params && name !== files.optimizer) await store.remove(name);
  }
}

export interface SavedCheckpoint {
  state: CheckpointState;
  /** Copies the saved tensors into the trainer's parameters and optimizer. */
  restore(params: Map<string, tf.Variable>, optimizer: AdamW): void;
}

export async function readCheckpoint(store: FileStore): Promise<SavedCheckpoint | null> {
  const file = await readJson<StateFile>(store, STATE);
  if (!file) return null;
  if (file.format !== CHECKPOINT_FORMAT) throw new Error(`${store.description}/${STATE}: not a Distill Lab checkpoint`);
  const read = async (name: string) => {
    const bytes = await store.read(name);
    if (!bytes) throw new Error(`${store.description}: ${name}, named by ${STATE}, is missing; the checkpoint is incomplete`);
    return readSafetensors(bytes, `${store.description}/${name}`).tensors;
  };
  const params = await read(file.files.params);
  const moments = await read(file.files.optimizer);
  const { format: _f, version: _v, optimizerStep, files: _files, ...state } = file;
  return {
    state,
    restore(targets, optimizer) {
      const put = (source: typeof params, key: string, into: tf.Variable) => {
        const t = source.get(key);
        if (!t || t.shape.join() !== into.shape.join()) {
          throw new Error(`${store.description}: tensor "${key}" is ${t ? `shape [${t.shape}]` : 'missing'}, the model needs [${into.shape}]; the checkpoint belongs to another model`);
        }
        tf.tidy(() => into.assign(tf.tensor(t.data as Float32Array, t.shape)));
      };
      [...targets].forEach(([name, variable], i) => {
        put(params, name, variable);
        put(moments, `m.${name}`, optimizer.m[i]);
        put(moments, `v.${name}`, optimizer.v[i]);
      });
      optimizer.step = optimizerStep;
    },
  };
}
