/**
 * The batch case's baseline (c), issue 17's simplest hand-written pipeline: download, split lines,
 * ONNX Runtime in batches of 1024, `${float}` text (JavaScript's own number printing), upload.
 */
import { performance } from 'node:perf_hooks';
import type { ContainerClient } from '@azure/storage-blob';
import * as ort from 'onnxruntime-node';
import { FEATURES, INPUT, loadAndDownload, OUTPUT_HEADER, type StageTimes } from './batchBenchInput';

/** Split lines and cells, `${float}` text, one upload. */
export async function simplestPipeline(container: ContainerClient, model: Uint8Array): Promise<StageTimes> {
  const { session, input: lines, t0, t1, t2 } = await loadAndDownload(container, model, (text) => text.split('\n'));
  if (lines[lines.length - 1] === '') lines.pop();
  const BATCH = 1024;
  const out: string[] = [OUTPUT_HEADER];
  for (let first = 1; first < lines.length; first += BATCH) {
    const count = Math.min(BATCH, lines.length - first);
    const features = new Float32Array(count * FEATURES);
    for (let i = 0; i < count; i++) {
      const cells = lines[first + i]!.split(',');
      for (let c = 0; c < FEATURES; c++) features[i * FEATURES + c] = Number(cells[c]);
    }
    const scores = (await session.run({ features: new ort.Tensor('float32', features, [count, FEATURES]) })).scores!
      .data as Float32Array;
    for (let i = 0; i < count; i++)
      out.push(`${INPUT},${first + i},${scores[i * 4]},${scores[i * 4 + 1]},${scores[i * 4 + 2]},${scores[i * 4 + 3]}`);
  }
  const t3 = performance.now();
  await container
    .getBlockBlobClient('bench/batch/simple/predictions.csv')
    .uploadData(Buffer.from(`${out.join('\n')}\n`));
  const t4 = performance.now();
  await session.release();
  const s = (ms: number) => ms / 1000;
  return {
    seconds: s(t4 - t0),
    stages: { loadModel: s(t1 - t0), download: s(t2 - t1), parseScoreFormat: s(t3 - t2), upload: s(t4 - t3) },
  };
}
