/**
 * Training checkpoints on disk: one folder per run (.cache/checkpoints/<id>/) with
 * checkpoint.json (progress, the run's config, weight specs) and one .bin per model and optimizer.
 * A save goes to a fresh folder first and then replaces the old one, so an interrupted save
 * leaves the previous checkpoint intact.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainCheckpoint, WeightsBlob } from '../lib/train/checkpoint';
import type { JsonValue } from '../lib/models/manifest';

const INDEX = 'checkpoint.json';

interface CheckpointJson {
  globalStep: number;
  stepsPerEpoch: number;
  elapsedSeconds: number;
  config: { [key: string]: JsonValue };
  models: Record<string, WeightsBlob['specs']>;
  optimizers: Record<string, WeightsBlob['specs']>;
  savedAt: string;
}

/** Writes `checkpoint` (and the `config` it belongs to) into `dir`, replacing what was there. */
export function saveCheckpointDir(
  dir: string,
  checkpoint: TrainCheckpoint,
  config: { [key: string]: JsonValue },
): void {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const json: CheckpointJson = {
    globalStep: checkpoint.globalStep,
    stepsPerEpoch: checkpoint.stepsPerEpoch,
    elapsedSeconds: checkpoint.elapsedSeconds,
    config,
    models: {},
    optimizers: {},
    savedAt: new Date().toISOString(),
  };
  for (const [group, blobs] of [
    ['models', checkpoint.models],
    ['optimizers', checkpoint.optimizers],
  ] as const) {
    for (const [name, blob] of Object.entries(blobs)) {
      json[group][name] = blob.specs;
      writeFileSync(join(tmp, `${group}-${name}.bin`), new Uint8Array(blob.data));
    }
  }
  writeFileSync(join(tmp, INDEX), JSON.stringify(json));
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** The checkpoint in `dir` and the config it was saved with, or null when there is none. */
export function loadCheckpointDir(
  dir: string,
): { checkpoint: TrainCheckpoint; config: { [key: string]: JsonValue } } | null {
  if (!existsSync(join(dir, INDEX))) return null;
  const json = JSON.parse(readFileSync(join(dir, INDEX), 'utf8')) as CheckpointJson;
  const read = (group: 'models' | 'optimizers'): Record<string, WeightsBlob> =>
    Object.fromEntries(
      Object.entries(json[group]).map(([name, specs]) => {
        const bytes = readFileSync(join(dir, `${group}-${name}.bin`));
        const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        return [name, { specs, data }];
      }),
    );
  return {
    checkpoint: {
      globalStep: json.globalStep,
      stepsPerEpoch: json.stepsPerEpoch,
      elapsedSeconds: json.elapsedSeconds,
      models: read('models'),
      optimizers: read('optimizers'),
    },
    config: json.config,
  };
}

/** Deletes the checkpoint folder of a run (after it finished and its model was saved). */
export function removeCheckpointDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
