/**
 * Models as users have them, end to end over HTTP: MLflow folders (zip) scored with the four MLflow
 * bodies, ONNX with external data (tar.gz), custom folders, hostile archives and external data
 * locations, a model file changed in storage, and models whose valid inputs exclude zeros.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { GraphBuilder } from '../../../scripts/onnx/graphBuilder';
import { warmUpCases } from '../../../scripts/onnx/warmUpModels';
import { tarGzOf, zipOf } from '../../support/archives';
import { externalWeightsModel } from '../../support/externalWeights';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { expectError, HOST_START_MS, ServingClient, uniqueSuffix, type Answer } from './support/servingClient';

const RUN = uniqueSuffix();

/** y = x * [1, 10, 100, 1000]: which column lands where shows in the answer. */
const scaler = new GraphBuilder('scaler')
  .input('x', 'FP32', ['n', 4])
  .initializer('w', new Float32Array([1, 10, 100, 1000]), [4])
  .node('Mul', ['x', 'w'], ['y'])
  .output('y', 'FP32', ['n', 4])
  .build();

const columnSignature = JSON.stringify(['a', 'b', 'c', 'd'].map((name) => ({ type: 'float', name, required: true })));

function mlmodel(extra: { signature?: string; onnx?: boolean } = {}): string {
  const lines = ['artifact_path: model', 'flavors:'];
  if (extra.onnx !== false) lines.push('  onnx:', '    data: model.onnx', '    onnx_version: 1.16.0');
  lines.push('  python_function:', '    loader_module: mlflow.onnx', '    data: model.onnx');
  lines.push(
    'saved_input_example_info:',
    '  artifact_path: input_example.json',
    '  type: dataframe',
    '  pandas_orient: split',
  );
  lines.push(
    'signature:',
    `  inputs: '${extra.signature ?? columnSignature}'`,
    '  outputs: \'[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]\'',
  );
  return lines.join('\n') + '\n';
}

const example = JSON.stringify({ columns: ['a', 'b', 'c', 'd'], data: [[1, 2, 3, 4]] });

function upload(
  sibyl: ServingClient,
  name: string,
  body: Uint8Array,
  contentType: string,
  query = '',
): Promise<Answer> {
  return sibyl.call('POST', `api/models/${name}/versions${query}`, { body, headers: { 'content-type': contentType } });
}

async function deploy(sibyl: ServingClient, endpoint: string, model: string): Promise<Answer> {
  const created = await sibyl.putEndpoint(endpoint, { authMode: 'key' });
  expect([200, 201]).toContain(created.status);
  return sibyl.putDeployment(endpoint, 'blue', { model });
}

describe('model folders, archives and honest warm-up (emulator over HTTP)', () => {
  let host: HostProcess;
  let sibyl: ServingClient;

  beforeAll(async () => {
    host = await startHost({
      appDir: REPO_ROOT,
      env: { SIBYL_MAX_ARCHIVE_FILES: '20', SIBYL_MAX_UNPACKED_BYTES: String(4 * 1024 * 1024) },
    });
    sibyl = new ServingClient(host);
  }, HOST_START_MS);

  afterAll(async () => {
    await host?.stop();
  });

  it('registers an MLflow folder (zip) and scores the four MLflow bodies through its column names', async () => {
    const zip = await zipOf([
      { path: 'model/MLmodel', data: mlmodel() },
      { path: 'model/model.onnx', data: scaler },
      { path: 'model/input_example.json', data: example },
      { path: 'model/conda.yaml', data: 'name: mlflow-env\ndependencies: [python=3.10]\n' },
    ]);
    const name = `mlflow-${RUN}`;
    const registered = await upload(sibyl, name, zip, 'application/zip');
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      type: 'mlflow',
      modelFile: 'model.onnx',
      columns: ['a', 'b', 'c', 'd'],
      inputExample: { dataframe_split: { columns: ['a', 'b', 'c', 'd'], data: [[1, 2, 3, 4]] } },
      signature: { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }] },
    });
    expect(registered.body.flavors.onnx).toMatchObject({ data: 'model.onnx' });
    expect(registered.body.files.map((f: { path: string }) => f.path).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'input_example.json',
      'model.onnx',
    ]);
    for (const file of registered.body.files) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);

    const endpoint = `mlf-${RUN}`;
    const deployed = await deploy(sibyl, endpoint, `${name}:1`);
    expect(deployed.status).toBe(201);
    expect(deployed.body.warnings).toBeUndefined();
    const key = (await sibyl.keys(endpoint)).primaryKey;
    const expected = [[1, 20, 300, 4000]];
    const bodies = [
      { dataframe_split: { columns: ['d', 'c', 'b', 'a'], data: [[4, 3, 2, 1]] } },
      { dataframe_records: [{ b: 2, a: 1, d: 4, c: 3 }] },
      { instances: [{ c: 3, d: 4, a: 1, b: 2 }] },
      { inputs: { a: [1], b: [2], c: [3], d: [4] } },
    ];
    for (const body of bodies) {
      const scored = await sibyl.score(endpoint, body, key);
      expect({ body, status: scored.status, answer: scored.body }).toEqual({ body, status: 200, answer: expected });
    }
    expectError(await sibyl.score(endpoint, { dataframe_records: [{ a: 1, b: 2, c: 3, e: 4 }] }, key), 400);
  });

  it('refuses an MLflow signature that does not match the graph with 400', async () => {
    const wrong = JSON.stringify([{ type: 'tensor', name: 'x', 'tensor-spec': { dtype: 'int64', shape: [-1, 4] } }]);
    const zip = await zipOf([
      { path: 'MLmodel', data: mlmodel({ signature: wrong }) },
      { path: 'model.onnx', data: scaler },
      { path: 'input_example.json', data: example },
    ]);
    expect(expectError(await upload(sibyl, `mlbad-${RUN}`, zip, 'application/zip'), 400, 'InvalidModel')).toMatch(
      /int64 in MLmodel and FP32 in the graph/,
    );
    const threeColumns = JSON.stringify(['a', 'b', 'c'].map((name) => ({ type: 'double', name })));
    const zip3 = await zipOf([
      { path: 'MLmodel', data: mlmodel({ signature: threeColumns }) },
      { path: 'model.onnx', data: scaler },
      { path: 'input_example.json', data: example },
    ]);
    expect(expectError(await upload(sibyl, `mlbad-${RUN}`, zip3, 'application/zip'), 400, 'InvalidModel')).toMatch(
      /3 columns/,
    );
  });

  it('registers an MLflow model without an onnx flavor, and a custom folder, as custom; ONNX environments refuse them', async () => {
    const noOnnx = await zipOf([
      { path: 'MLmodel', data: mlmodel({ onnx: false }) },
      { path: 'model.pkl', data: 'pickle' },
      { path: 'input_example.json', data: example },
    ]);
    const mlflowCustom = await upload(sibyl, `mlcustom-${RUN}`, noOnnx, 'application/zip');
    expect(mlflowCustom.status).toBe(201);
    expect(mlflowCustom.body).toMatchObject({
      type: 'custom',
      flavors: { python_function: { loader_module: 'mlflow.onnx' } },
    });

    const folder = await tarGzOf([
      { path: 'score.py', data: 'def run(x): return x\n' },
      { path: 'weights/w.bin', data: new Uint8Array(64) },
    ]);
    expect(expectError(await upload(sibyl, `custom-${RUN}`, folder, 'application/gzip'), 400, 'InvalidInput')).toMatch(
      /type=custom/,
    );
    const custom = await upload(sibyl, `custom-${RUN}`, folder, 'application/gzip', '?type=custom');
    expect(custom.status).toBe(201);
    expect(custom.body).toMatchObject({ type: 'custom', signature: { inputs: [], outputs: [] } });
    expect(custom.body.files.map((f: { path: string }) => f.path).sort()).toEqual(['score.py', 'weights/w.bin']);
    expect(expectError(await deploy(sibyl, `cust-${RUN}`, `custom-${RUN}:1`), 400, 'InvalidInput')).toMatch(
      /needs a scoring script/,
    );
  });

  it('registers ONNX with external data (tar.gz) and scores it', async () => {
    const model = externalWeightsModel('weights.bin');
    const weights = new Uint8Array(new Float32Array([2, 3, 4]).buffer);
    const archive = await tarGzOf([
      { path: 'ext/', type: 'directory' },
      { path: 'ext/model.onnx', data: model },
      { path: 'ext/weights.bin', data: weights },
    ]);
    const name = `ext-${RUN}`;
    const registered = await upload(sibyl, name, archive, 'application/gzip');
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ type: 'onnx', modelFile: 'model.onnx' });
    const endpoint = `ext-${RUN}`;
    expect((await deploy(sibyl, endpoint, `${name}:1`)).status).toBe(201);
    const key = (await sibyl.keys(endpoint)).primaryKey;
    const scored = await sibyl.score(
      endpoint,
      {
        data: [
          [1, 1, 1],
          [1, 2, 3],
        ],
      },
      key,
    );
    expect(scored.body).toEqual([
      [2, 3, 4],
      [2, 6, 12],
    ]);
  });

  it("refuses external data outside the model folder: absolute, .., missing, the app's own files", async () => {
    for (const location of ['local.settings.json', '../x', '/etc/passwd', 'sub/../../x', 'missing.bin']) {
      const raw = await sibyl.registerModel(`evil-${RUN}`, externalWeightsModel(location));
      expect({ location, message: expectError(raw, 400, 'InvalidModel') }).toEqual({
        location,
        message: expect.stringContaining(location),
      });
    }
    const archive = await tarGzOf([
      { path: 'model.onnx', data: externalWeightsModel('../weights.bin') },
      { path: 'weights.bin', data: new Uint8Array(12) },
    ]);
    expectError(await upload(sibyl, `evil-${RUN}`, archive, 'application/gzip'), 400, 'InvalidModel');
    expectError(await sibyl.call('GET', `api/models/evil-${RUN}`), 404, 'ModelNotFound');
  });

  it('refuses hostile archives with 400 naming the entry', async () => {
    const name = `hostile-${RUN}`;
    const cases: Array<[string, Buffer, string, RegExp]> = [
      [
        'zip-slip',
        await tarGzOf([{ path: '../evil.onnx', data: scaler }]),
        'application/gzip',
        /'\.\.\/evil\.onnx'.*'\.\.'/,
      ],
      [
        'absolute',
        await tarGzOf([{ path: '/tmp/evil.onnx', data: scaler }]),
        'application/gzip',
        /'\/tmp\/evil\.onnx'.*absolute/,
      ],
      [
        'symlink',
        await tarGzOf([{ path: 'model.onnx', type: 'symlink', linkname: '/etc/passwd' }]),
        'application/gzip',
        /'model\.onnx'.*link/,
      ],
      [
        'hard link',
        await tarGzOf([
          { path: 'a.onnx', data: scaler },
          { path: 'b.onnx', type: 'link', linkname: 'a.onnx' },
        ]),
        'application/gzip',
        /'b\.onnx'.*link/,
      ],
      [
        'zip symlink',
        await zipOf([{ path: 'model.onnx', data: '/etc/passwd', mode: 0o120777 }]),
        'application/zip',
        /'model\.onnx'.*link/,
      ],
      [
        'too many files',
        await zipOf(Array.from({ length: 21 }, (_, i) => ({ path: `f${i}.txt`, data: 'x' }))),
        'application/zip',
        /'f20\.txt'.*more than 20 files/,
      ],
      [
        'zip bomb',
        await zipOf([
          { path: 'model.onnx', data: scaler },
          { path: 'zeros.bin', data: new Uint8Array(5 * 1024 * 1024) },
        ]),
        'application/zip',
        /'zeros\.bin'.*exceed/,
      ],
      ['not an archive', Buffer.from('not a zip at all'), 'application/zip', /zip/],
      ['not gzip', Buffer.from('not gzip either'), 'application/gzip', /tar\.gz/],
    ];
    for (const [what, body, contentType, message] of cases) {
      const answer = await upload(sibyl, name, body, contentType, '?type=custom');
      expect({ what, message: expectError(answer, 400) }).toEqual({ what, message: expect.stringMatching(message) });
    }
    expectError(await sibyl.call('GET', `api/models/${name}`), 404, 'ModelNotFound');
  });

  it('refuses to load a model whose file changed in storage, naming the checksum', async () => {
    const name = `tamper-${RUN}`;
    const registered = await sibyl.registerModel(name, scaler);
    expect(registered.status).toBe(201);
    const other = new GraphBuilder('other')
      .input('x', 'FP32', ['n', 4])
      .node('Identity', ['x'], ['y'])
      .output('y', 'FP32', ['n', 4])
      .build();
    const service = BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!);
    await service.getContainerClient('models').getBlockBlobClient(`${name}/1/model.onnx`).uploadData(other);
    const message = expectError(await deploy(sibyl, `tamper-${RUN}`, `${name}:1`), 409, 'ModelIntegrity');
    expect(message).toContain(registered.body.sha256);
  });

  it('deploys and scores models whose valid inputs exclude zeros, with the failed synthetic warm-up as a warning', async () => {
    for (const c of warmUpCases()) {
      const name = `warm-${c.name}-${RUN}`;
      expect((await sibyl.registerModel(name, c.model)).status).toBe(201);
      const deployed = await deploy(sibyl, name, `${name}:1`);
      expect({ name: c.name, status: deployed.status }).toEqual({ name: c.name, status: 201 });
      expect(deployed.body.warnings).toEqual([
        expect.stringMatching(/warm-up inference on a synthetic input .* failed/),
      ]);
      expect((await sibyl.call('GET', `api/endpoints/${name}/deployments/blue`)).body.warnings).toHaveLength(1);

      const key = (await sibyl.keys(name)).primaryKey;
      const inputs = c.valid.map((t) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
        data: Array.from(t.data as ArrayLike<number | bigint>, Number),
      }));
      const answer = await sibyl.infer(name, { inputs }, key);
      expect({ name: c.name, status: answer.status }).toEqual({ name: c.name, status: 200 });

      const session = await InferenceSession.create(c.model);
      const feeds = Object.fromEntries(
        c.valid.map((t) => [
          t.name,
          new Tensor(
            t.datatype === 'FP32' ? 'float32' : t.datatype === 'INT32' ? 'int32' : 'int64',
            t.data as Float32Array,
            t.shape,
          ),
        ]),
      );
      const reference = await session.run(feeds);
      await session.release();
      const [output] = answer.body.outputs as Array<{ name: string; shape: number[]; data: number[] }>;
      const expected = reference[output!.name]!;
      expect({ name: c.name, shape: output!.shape, data: output!.data }).toEqual({
        name: c.name,
        shape: [...expected.dims],
        data: Array.from(expected.data as ArrayLike<number | bigint>, Number),
      });
    }
  });
});
