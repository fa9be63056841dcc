/**
 * The three models the benchmark serves (scripts/onnx/mlpModel sizes) and the batch-1 request each
 * one is sent: one row of deterministic FP32 features in Sibyl's Azure ML form `{"data": [[...]]}`
 * (and as an Open Inference Protocol request for the scorer).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlpModel, MLP_SIZES } from '../scripts/onnx/mlpModel';

export type ModelSize = keyof typeof MLP_SIZES;
export const MODEL_SIZES = Object.keys(MLP_SIZES) as ModelSize[];

export interface BenchModel {
  size: ModelSize;
  /** `16→64→4` */
  shape: string;
  bytes: Uint8Array;
  /** Where the bytes were written, for the plain server. */
  file: string;
  /** The batch-1 request body, Azure ML form (Sibyl's score route, the plain server). */
  body: string;
  /** The same row as an Open Inference Protocol request (the scorer). */
  oipBody: string;
}

export function benchModel(size: ModelSize, workDir: string): BenchModel {
  const spec = MLP_SIZES[size];
  const bytes = mlpModel({ ...spec, seed: 7 });
  const file = path.join(workDir, `mlp-${size}.onnx`);
  fs.writeFileSync(file, bytes);
  // Values with short decimal forms, so the body is the size a client would really send.
  const row = Array.from({ length: spec.inputs }, (_, i) => ((i * 7) % 23) / 8 - 1.25);
  return {
    size,
    shape: [spec.inputs, ...spec.hidden, spec.outputs].join('→'),
    bytes,
    file,
    body: JSON.stringify({ data: [row] }),
    oipBody: JSON.stringify({ inputs: [{ name: 'features', shape: [1, spec.inputs], datatype: 'FP32', data: row }] }),
  };
}
