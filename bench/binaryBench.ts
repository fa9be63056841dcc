/**
 * The OIP binary tensor extension against JSON for an image-sized input: one 1×3×224×224 FP32 tensor
 * (150,528 floats) sent to Sibyl's OIP infer route both ways, one request at a time, on the same host
 * in the same run. The model (a ReduceMean to 1×3) answers little, so the input's coding dominates.
 * Reported: median and p90 latency per form, bytes per request, and JSON's median over binary's.
 */
import { GraphBuilder } from '../scripts/onnx/graphBuilder';
import { deployModel } from './deployModel';
import type { EmulatorHost } from './emulatorHost';

export interface BinaryBenchResult {
  shape: number[];
  requests: number;
  json: { medianMs: number; p90Ms: number; bytes: number };
  binary: { medianMs: number; p90Ms: number; bytes: number };
  /** JSON median latency over binary median latency: how many times faster binary is. */
  speedup: number;
}

const SHAPE = [1, 3, 224, 224];
const WARMUP = 5;

function imageModel(): Uint8Array {
  return new GraphBuilder('image-mean')
    .input('image', 'FP32', [1, 3, 224, 224])
    .initializer('axes', new BigInt64Array([2n, 3n]), [2])
    .node('ReduceMean', ['image', 'axes'], ['mean'])
    .output('mean', 'FP32', [1, 3, 1, 1])
    .build({ opset: 18 });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timed(send: () => Promise<Response>, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + count; i++) {
    const started = performance.now();
    const res = await send();
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`OIP infer answered ${res.status}`);
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  return times;
}

export async function runBinaryBench(host: EmulatorHost, requests: number): Promise<BinaryBenchResult> {
  const deployed = await deployModel(host, 'bench-image', imageModel(), { maxBatchSize: 1, maxQueueDelayMs: 0 });
  const url = `${host.baseUrl}/api/v2/models/${deployed.endpoint}/infer`;
  const image = Float32Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => Math.fround(Math.sin(i)));
  const jsonBody = JSON.stringify({
    inputs: [{ name: 'image', shape: SHAPE, datatype: 'FP32', data: Array.from(image) }],
  });
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'image', shape: SHAPE, datatype: 'FP32', parameters: { binary_data_size: image.byteLength } }],
    }),
  );
  const binaryBody = Buffer.concat([header, Buffer.from(image.buffer)]);
  const auth = { authorization: `Bearer ${deployed.primaryKey}` };
  const json = await timed(
    () => fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: jsonBody }),
    requests,
  );
  const binary = await timed(
    () =>
      fetch(url, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.length),
        },
        body: binaryBody,
      }),
    requests,
  );
  const summary = (times: number[], bytes: number) => ({
    medianMs: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
    bytes,
  });
  const result = {
    shape: SHAPE,
    requests,
    json: summary(json, Buffer.byteLength(jsonBody)),
    binary: summary(binary, binaryBody.length),
    speedup: 0,
  };
  result.speedup = result.json.medianMs / result.binary.medianMs;
  return result;
}

export function renderBinaryBench(r: BinaryBenchResult): string[] {
  const fmt = (n: number) => n.toFixed(1);
  return [
    `OIP input ${r.shape.join('×')} FP32, ${r.requests} sequential requests each way after ${WARMUP} warm-ups (Sibyl's OIP infer route):`,
    `  JSON numbers: median ${fmt(r.json.medianMs)} ms, p90 ${fmt(r.json.p90Ms)} ms, ${r.json.bytes.toLocaleString('en-US')} bytes/request`,
    `  binary data:  median ${fmt(r.binary.medianMs)} ms, p90 ${fmt(r.binary.p90Ms)} ` +
      `ms, ${r.binary.bytes.toLocaleString('en-US')} bytes/request`,
    `  binary is ${r.speedup.toFixed(1)}× faster than JSON (median over median, same host, same run)`,
  ];
}
