/**
 * The batch case's baseline (b): a hand-written single-process pipeline on the same machine and data as
 * the batch job. It prints floats the way the job does (shortest FP32 text), so both write the same bytes
 * and only the plumbing differs.
 */
import { performance } from 'node:perf_hooks';
import type { ContainerClient } from '@azure/storage-blob';
import * as ort from 'onnxruntime-node';
import { float32Text } from '../shared/batch/floatText';
import { FEATURES, INPUT, loadAndDownload, OUTPUT_HEADER, type StageTimes } from './batchBenchInput';

/** Download, parse, score in batches of 1024, write back — one process, no framework. */
export async function handWrittenPipeline(container: ContainerClient, model: Uint8Array): Promise<StageTimes> {
  const { session, input: text, t0, t1, t2 } = await loadAndDownload(container, model, (text) => text);
  const BATCH = 1024;
  const features = new Float32Array(BATCH * FEATURES);
  const out: string[] = [OUTPUT_HEADER];
  let parseMs = 0;
  let inferMs = 0;
  let formatMs = 0;
  let n = 0;
  let row = 0;
  const flush = async () => {
    const a = performance.now();
    const result = await session.run({
      features: new ort.Tensor('float32', features.subarray(0, n * FEATURES), [n, FEATURES]),
    });
    const b = performance.now();
    const scores = result.scores!.data as Float32Array;
    const first = row - n + 1;
    for (let i = 0; i < n; i++)
      out.push(
        `${INPUT},${first + i},${float32Text(scores[i * 4]!)},${float32Text(scores[i * 4 + 1]!)},` +
          `${float32Text(scores[i * 4 + 2]!)},${float32Text(scores[i * 4 + 3]!)}`,
      );
    formatMs += performance.now() - b;
    inferMs += b - a;
    n = 0;
  };
  let pos = text.indexOf('\n') + 1;
  let p = performance.now();
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const cells = text.slice(pos, end).split(',');
    for (let c = 0; c < FEATURES; c++) features[n * FEATURES + c] = Number(cells[c]);
    n++;
    row++;
    pos = end + 1;
    if (n === BATCH) {
      parseMs += performance.now() - p;
      await flush();
      p = performance.now();
    }
  }
  parseMs += performance.now() - p;
  if (n) await flush();
  const t3 = performance.now();
  const body = Buffer.from(`${out.join('\n')}\n`);
  await container.getBlockBlobClient('bench/batch/baseline/predictions.csv').uploadData(body);
  const t4 = performance.now();
  await session.release();
  const s = (ms: number) => ms / 1000;
  return {
    seconds: s(t4 - t0),
    stages: {
      loadModel: s(t1 - t0),
      download: s(t2 - t1),
      parse: s(parseMs),
      infer: s(inferMs),
      format: s(formatMs + (t3 - t2 - parseMs - inferMs - formatMs)),
      upload: s(t4 - t3),
    },
  };
}
