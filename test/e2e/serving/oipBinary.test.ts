/**
 * The OIP binary tensor data extension end to end: the Function App's infer routes and the scorer
 * container both take raw little-endian tensors after a JSON header (Inference-Header-Content-Length)
 * and answer binary outputs, and both advertise the extension in their server metadata.
 */
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { GraphBuilder } from '../../../scripts/onnx/graphBuilder';
import { startLocalScorer, type LocalScorer } from '../../support/localScorer';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { HOST_START_MS, ServingClient, uniqueSuffix } from './support/servingClient';

const RUN = uniqueSuffix();
const SCORER_MAIN = path.join(REPO_ROOT, 'dist', 'scorer', 'main.js');
const model = new GraphBuilder('double')
  .input('x', 'FP32', ['n', 3, 8, 8])
  .initializer('two', new Float32Array([2]), [])
  .node('Mul', ['x', 'two'], ['y'])
  .output('y', 'FP32', ['n', 3, 8, 8])
  .build();
const input = Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.fround(Math.sin(i) * 1000));

/** A binary-extension request body and its header length. */
function binaryRequest(outputsBinary: boolean): { body: Buffer; headerLength: number } {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: 'x', shape: [2, 3, 8, 8], datatype: 'FP32', parameters: { binary_data_size: input.byteLength } },
      ],
      ...(outputsBinary ? { parameters: { binary_data_output: true } } : {}),
    }),
  );
  return { body: Buffer.concat([header, Buffer.from(input.buffer)]), headerLength: header.length };
}

async function expectDoubled(res: Response): Promise<void> {
  expect(res.status).toBe(200);
  const length = Number(res.headers.get('inference-header-content-length'));
  const raw = Buffer.from(await res.arrayBuffer());
  const header = JSON.parse(raw.subarray(0, length).toString('utf8')) as {
    outputs: Array<{ name: string; shape: number[]; parameters: { binary_data_size: number } }>;
  };
  expect(header.outputs).toEqual([
    { name: 'y', shape: [2, 3, 8, 8], datatype: 'FP32', parameters: { binary_data_size: input.byteLength } },
  ]);
  const y = new Float32Array(new Uint8Array(raw.subarray(length)).buffer);
  expect(y).toEqual(input.map((v) => v * 2));
}

describe('OIP binary tensor data extension (Function App and scorer)', () => {
  let host: HostProcess;
  let scorer: LocalScorer;
  let sibyl: ServingClient;
  let key = '';
  const name = `bin-${RUN}`;

  beforeAll(async () => {
    scorer = await startLocalScorer(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!, { mainFile: SCORER_MAIN });
    host = await startHost({ appDir: REPO_ROOT });
    sibyl = new ServingClient(host);
    key = await sibyl.serve(name, name, model);
    expect(
      (
        await sibyl.call('PUT', `api/environments/bin-gpu-${RUN}`, {
          body: { executionProviders: ['cpu'], compute: { kind: 'container' } },
        })
      ).status,
    ).toBe(201);
    expect(
      (await sibyl.putDeployment(name, 'remote', { model: `${name}:1`, environment: `bin-gpu-${RUN}@1` })).status,
    ).toBe(201);
  }, HOST_START_MS);

  afterAll(async () => {
    await host?.stop();
    await scorer?.stop();
  });

  it('advertises the extension in the server metadata of both servers', async () => {
    expect((await sibyl.dataGet('api/v2', key)).body.extensions).toContain('binary_tensor_data');
    const scorerMeta = await fetch(`${scorer.url}/v2`, { headers: { authorization: `Bearer ${scorer.key}` } });
    expect(((await scorerMeta.json()) as { extensions: string[] }).extensions).toContain('binary_tensor_data');
  });

  it('scores binary tensors on the Function App routes, answering binary or JSON outputs', async () => {
    /** POSTs a binary request to the Function App's infer route of `deployment`. */
    const inferBinary = (deployment: string, outputsBinary: boolean) => {
      const { body, headerLength } = binaryRequest(outputsBinary);
      return fetch(`${host.baseUrl}/api/v2/models/${name}/versions/${deployment}/infer`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(headerLength),
        },
        body,
      });
    };
    for (const deployment of ['blue', 'remote']) await expectDoubled(await inferBinary(deployment, true));
    const json = await inferBinary('blue', false);
    expect(json.status).toBe(200);
    // JSON carries each float32 as its shortest decimal: back to float32, they are the same values.
    const data = ((await json.json()) as { outputs: Array<{ data: number[] }> }).outputs[0]!.data;
    expect(Float32Array.from(data)).toEqual(input.map((v) => v * 2));
  });

  it('scores binary tensors on the scorer itself', async () => {
    const { body, headerLength } = binaryRequest(true);
    const res = await fetch(`${scorer.url}/v2/models/${name}/versions/1/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scorer.key}`, 'inference-header-content-length': String(headerLength) },
      body,
    });
    await expectDoubled(res);
  });

  it('refuses a model file changed in storage in the scorer too, naming the checksum', async () => {
    const tampered = `bintamper-${RUN}`;
    const registered = await sibyl.registerModel(tampered, model);
    expect(registered.status).toBe(201);
    const service = BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!);
    const other = new GraphBuilder('other')
      .input('x', 'FP32', ['n', 3, 8, 8])
      .node('Identity', ['x'], ['y'])
      .output('y', 'FP32', ['n', 3, 8, 8])
      .build();
    await service.getContainerClient('models').getBlockBlobClient(`${tampered}/1/model.onnx`).uploadData(other);
    const res = await fetch(`${scorer.url}/v2/models/${tampered}/versions/1`, {
      headers: { authorization: `Bearer ${scorer.key}` },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain(registered.body.sha256);
  });

  it('refuses, in the scorer, files that differ from what the registry recorded for the app', async () => {
    const res = await fetch(`${scorer.url}/v2/models/${name}/versions/1`, {
      headers: { authorization: `Bearer ${scorer.key}`, 'x-sibyl-model-files-sha256': '0'.repeat(64) },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/not what the registry recorded/);
  });

  it('refuses a header length that does not fit the body with 400', async () => {
    const { body } = binaryRequest(true);
    const res = await fetch(`${host.baseUrl}/api/v2/models/${name}/versions/blue/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'inference-header-content-length': String(body.length + 10) },
      body,
    });
    const text = await res.text();
    expect({ status: res.status, text }).toEqual({
      status: 400,
      text: expect.stringMatching(/Inference-Header-Content-Length/),
    });
  });
});
