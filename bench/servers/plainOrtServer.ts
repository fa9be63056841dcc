/**
 * Benchmark case (c): what a user writes by hand — a `node:http` server with `onnxruntime-node`,
 * one `session.run` per request, no batching. Accepts the same Azure ML body as Sibyl
 * (`{"data": [[...]]}`, FP32 rows) and answers the same nested rows of the single output.
 * Run as a child process: `node dist/bench/servers/plainOrtServer.js <model.onnx>`; prints
 * `{"port": N}` once the session is open and warmed.
 */
import * as http from 'node:http';
import * as ort from 'onnxruntime-node';
import { announcePort } from './announcePort';

function toRows(data: Float32Array, rows: number, width: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from(data.subarray(r * width, (r + 1) * width)));
  return out;
}

async function main(): Promise<void> {
  const modelPath = process.argv[2];
  if (!modelPath) throw new Error('usage: plainOrtServer <model.onnx>');
  // The same session settings as Sibyl's default environment (ort-cpu@1): CPU, all graph optimizations.
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  });
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const meta = session.inputMetadata[0];
  const width = meta && meta.isTensor ? Number(meta.shape[1]) : NaN;
  if (!Number.isInteger(width)) throw new Error(`Cannot read the input width of ${modelPath}.`);
  await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(width), [1, width]) });

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    const bytes = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
    res.end(bytes);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: number[][] };
          const flat = new Float32Array(data.length * width);
          data.forEach((row, r) => flat.set(row, r * width));
          const results = await session.run({ [inputName]: new ort.Tensor('float32', flat, [data.length, width]) });
          const output = results[outputName]!;
          const outWidth = Number(output.dims[1]);
          answer(res, 200, toRows(output.data as Float32Array, data.length, outWidth));
        } catch (error) {
          answer(res, 400, { error: (error as Error).message });
        }
      })();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => announcePort(server));
}

main().catch((error: unknown) => {
  process.stderr.write(`plainOrtServer: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
