/**
 * The batch case's input: a CSV of 16 float features (the tiny MLP's) per row, in Azurite's
 * `workspaceblobstore` container, where the batch job and both baselines read it; and the baselines' first
 * two stages, timed: create the ONNX Runtime session, then download the input.
 */
import { performance } from 'node:perf_hooks';
import type { ContainerClient } from '@azure/storage-blob';
import * as ort from 'onnxruntime-node';
import { MLP_SIZES } from '../scripts/onnx/mlpModel';

export const CONTAINER = 'workspaceblobstore';
export const INPUT = 'bench/batch/input.csv';
/** The small input of the job that warms the host before the measured runs. */
export const WARM_INPUT = 'bench/batch/warm.csv';
export const FEATURES = MLP_SIZES.tiny.inputs;
/** The header of the predictions every pipeline writes. */
export const OUTPUT_HEADER = 'file,row,scores_0,scores_1,scores_2,scores_3';

export function csvInput(rows: number): Buffer {
  const header = Array.from({ length: FEATURES }, (_, i) => `features_${i}`).join(',');
  const parts: string[] = [header];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < FEATURES; c++) line += `${c ? ',' : ''}${((r * 31 + c * 17) % 2000) / 400 - 2.5}`;
    parts.push(line);
  }
  return Buffer.from(`${parts.join('\n')}\n`);
}

/** What a pipeline measured: its total seconds and each stage's. */
export interface StageTimes {
  seconds: number;
  stages: Record<string, number>;
}

/** Creates the session, then downloads the input (`read` inside the timing); t0–t2 mark the stages' bounds. */
export async function loadAndDownload<T>(container: ContainerClient, model: Uint8Array, read: (text: string) => T) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(model);
  const t1 = performance.now();
  const input = read((await container.getBlobClient(INPUT).downloadToBuffer()).toString('utf8'));
  return { session, input, t0, t1, t2: performance.now() };
}
