/**
 * Scoring end to end: every Azure ML / MLflow body form answers what in-process ONNX Runtime computes
 * on the same rows; the Open Inference Protocol routes, with every tensor datatype round-tripping
 * exactly; bad input answering 4xx with the documented body while the server stays healthy; metrics.
 */
import { fixedBatchModel, identityModel, int64Model, twoInputModel } from '../../../scripts/onnx/identityModels';
import { mlpModel, MLP_SIZES } from '../../../scripts/onnx/mlpModel';
import type { MetricPoint } from '../../../shared/api/schemas';
import type { OipDatatype } from '../../../shared/scoring/datatypes';
import { ortRows, sameFloat32Rows } from './support/ortReference';
import { expectError, expectOipError, uniqueSuffix, type Answer, type ServingClient } from './support/servingClient';
import { servingHost } from './support/servingHost';

const RUN = uniqueSuffix();
const MAX_REQUEST_BYTES = 2_000_000;

const mlpBytes = mlpModel({ ...MLP_SIZES.tiny, seed: 11 });
const twoBytes = twoInputModel();

/** Deterministic FP32 rows (values exactly representable, so JSON ↔ float32 is lossless). */
function rowsOf(count: number, width: number, offset = 0): number[][] {
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length: width }, (_, c) => ((r * 31 + c * 7 + offset) % 29) / 8 - 1.75),
  );
}

/** Identity round trips: what is sent for a `[2, 3]` tensor and what must come back (flat). */
const ROUND_TRIPS: Record<OipDatatype, { send: unknown[]; expect: unknown[] }> = {
  BOOL: { send: [true, false, true, false, false, true], expect: [true, false, true, false, false, true] },
  UINT8: { send: [0, 1, 255, 7, 128, 254], expect: [0, 1, 255, 7, 128, 254] },
  UINT16: { send: [0, 65535, 1, 300, 40000, 2], expect: [0, 65535, 1, 300, 40000, 2] },
  UINT32: { send: [0, 4294967295, 1, 70000, 2147483648, 3], expect: [0, 4294967295, 1, 70000, 2147483648, 3] },
  UINT64: {
    send: [0, '18446744073709551615', '9007199254740993', 9007199254740991, 1, '2'],
    expect: [0, '18446744073709551615', '9007199254740993', 9007199254740991, 1, 2],
  },
  INT8: { send: [-128, 127, 0, -1, 5, -7], expect: [-128, 127, 0, -1, 5, -7] },
  INT16: { send: [-32768, 32767, 0, -1, 1000, -1000], expect: [-32768, 32767, 0, -1, 1000, -1000] },
  INT32: {
    send: [-2147483648, 2147483647, 0, -1, 123456, -654321],
    expect: [-2147483648, 2147483647, 0, -1, 123456, -654321],
  },
  INT64: {
    send: ['-9223372036854775808', '9223372036854775807', '9007199254740993', -9007199254740991, 0, '-42'],
    expect: ['-9223372036854775808', '9223372036854775807', '9007199254740993', -9007199254740991, 0, -42],
  },
  FP16: {
    send: [0.5, -2, 65504, 0.0001220703125, 'Infinity', 'NaN'],
    expect: [0.5, -2, 65504, 0.0001220703125, 'Infinity', 'NaN'],
  },
  FP32: {
    send: [1.5, 0.1, 3.4028234663852886e38, 'Infinity', '-Infinity', 'NaN'],
    expect: [1.5, 0.1, 3.4028234663852886e38, 'Infinity', '-Infinity', 'NaN'],
  },
  FP64: { send: [0.1, 1e308, -5e-324, Math.PI, 'NaN', 2], expect: [0.1, 1e308, -5e-324, Math.PI, 'NaN', 2] },
  BYTES: {
    send: ['hello', '', 'ünïcødé ✓', 'a"b', 'line\nbreak', 'x'],
    expect: ['hello', '', 'ünïcødé ✓', 'a"b', 'line\nbreak', 'x'],
  },
};
const DATATYPES = Object.keys(ROUND_TRIPS) as OipDatatype[];

/** FP32 values compare as float32 (any decimal that reads back as the same float32 is exact). */
function asSent(datatype: OipDatatype, data: unknown[]): unknown[] {
  return datatype === 'FP32' ? data.map((v) => (typeof v === 'number' ? Math.fround(v) : v)) : data;
}
const depOf = (datatype: OipDatatype) => `dt-${datatype.toLowerCase()}`;

describe('scoring (emulator over HTTP)', () => {
  let sibyl: ServingClient;
  const mlp = `mlp-${RUN}`;
  const two = `two-${RUN}`;
  const types = `types-${RUN}`;
  const fixed = `fixed-${RUN}`;
  const keys: Record<string, string> = {};

  servingHost(
    async (client) => {
      sibyl = client;
      keys[mlp] = await sibyl.serve(mlp, `m-${mlp}`, mlpBytes);
      keys[two] = await sibyl.serve(two, `m-${two}`, twoBytes);
      keys[fixed] = await sibyl.serve(fixed, `m-${fixed}`, fixedBatchModel());
      // One endpoint, one identity deployment per datatype (plus int64 arithmetic), all live at once.
      expect((await sibyl.putEndpoint(types, { authMode: 'key' })).status).toBe(201);
      for (const datatype of DATATYPES) {
        const model = `ident-${datatype.toLowerCase()}-${RUN}`;
        expect((await sibyl.registerModel(model, identityModel(datatype, ['batch', 3]))).status).toBe(201);
        const deployed = await sibyl.putDeployment(types, depOf(datatype), { model: `${model}:1` });
        expect(deployed.status).toBe(201);
      }
      expect((await sibyl.registerModel(`int64add-${RUN}`, int64Model())).status).toBe(201);
      expect((await sibyl.putDeployment(types, 'int64-add', { model: `int64add-${RUN}:1` })).status).toBe(201);
      expect((await sibyl.putEndpoint(types, { authMode: 'key', traffic: { [depOf('FP32')]: 100 } })).status).toBe(200);
      keys[types] = (await sibyl.keys(types)).primaryKey;
    },
    { env: { SIBYL_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES) } },
  );

  describe('Azure ML / MLflow body forms', () => {
    it("answers every form for a single-input, single-output model with ONNX Runtime's rows", async () => {
      const rows = rowsOf(3, 16);
      const expected = (await ortRows(mlpBytes, { features: rows })).scores!;
      const columns = Array.from({ length: 16 }, (_, i) => `f${i}`);
      const records = rows.map((row) => Object.fromEntries(row.map((v, i) => [`f${i}`, v])));
      const forms: Record<string, unknown> = {
        'input_data split': { input_data: { columns, index: [0, 1, 2], data: rows } },
        'input_data named': { input_data: { features: rows } },
        'input_data rows': { input_data: rows },
        data: { data: rows },
        dataframe_split: { dataframe_split: { columns, data: rows } },
        'dataframe_split without columns': { dataframe_split: { data: rows } },
        dataframe_records: { dataframe_records: records },
        instances: { instances: rows },
        'instances named': { instances: rows.map((row) => ({ features: row })) },
        'inputs named': { inputs: { features: rows } },
        'inputs bare': { inputs: rows },
        'with MLflow params': { dataframe_split: { columns, data: rows }, params: { ignored: true } },
      };
      for (const [form, body] of Object.entries(forms)) {
        const answer = await sibyl.score(mlp, body, keys[mlp]);
        if (answer.status !== 200) throw new Error(`${form}: ${answer.status} ${answer.text}`);
        if (!sameFloat32Rows(answer.body, expected))
          throw new Error(`${form}: ${answer.text} differs from ONNX Runtime's ${JSON.stringify(expected)}`);
        expect(answer.headers.get('azureml-model-deployment')).toBe('blue');
        expect(answer.headers.get('x-ms-request-id')).toBeTruthy();
      }
    });

    it('answers every form for a two-input, two-output model with an object keyed by output name', async () => {
      const x = rowsOf(2, 3, 1);
      const y = rowsOf(2, 3, 5);
      const expected = await ortRows(twoBytes, { x, y });
      const flat = x.map((row, r) => [...row, ...y[r]!]);
      const forms: Record<string, unknown> = {
        'input_data named': { input_data: { x, y } },
        'input_data split by name': {
          input_data: { columns: ['x', 'y'], index: [0, 1], data: x.map((row, r) => [row, y[r]]) },
        },
        'input_data split positional': { input_data: { columns: ['x0', 'x1', 'x2', 'y0', 'y1', 'y2'], data: flat } },
        data: { data: flat },
        dataframe_split: { dataframe_split: { columns: ['x', 'y'], data: x.map((row, r) => [row, y[r]]) } },
        dataframe_records: { dataframe_records: x.map((row, r) => ({ x: row, y: y[r] })) },
        instances: { instances: x.map((row, r) => ({ x: row, y: y[r] })) },
        inputs: { inputs: { x, y } },
      };
      for (const [form, body] of Object.entries(forms)) {
        const answer = await sibyl.score(two, body, keys[two]);
        if (answer.status !== 200) throw new Error(`${form}: ${answer.status} ${answer.text}`);
        expect(Object.keys(answer.body).sort()).toEqual(['product', 'sum']);
        if (
          !sameFloat32Rows(answer.body.sum, expected.sum!) ||
          !sameFloat32Rows(answer.body.product, expected.product!)
        ) {
          throw new Error(`${form}: ${answer.text} differs from ONNX Runtime's ${JSON.stringify(expected)}`);
        }
      }
    });

    it('batches concurrent requests and gives each its own rows back', async () => {
      const name = `batch-${RUN}`;
      const key = await sibyl.serve(name, `m-${name}`, mlpBytes, {
        batching: { maxBatchSize: 64, maxQueueDelayMs: 50 },
      });
      const requests = Array.from({ length: 12 }, (_, i) => rowsOf(1 + (i % 3), 16, i * 3));
      const answers = await Promise.all(requests.map((rows) => sibyl.score(name, { data: rows }, key)));
      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        const expected = (await ortRows(mlpBytes, { features: requests[i]! })).scores!;
        if (!sameFloat32Rows(answer.body, expected))
          throw new Error(`request ${i}: ${answer.text} differs from ONNX Runtime's ${JSON.stringify(expected)}`);
      }
      // 24 rows in 12 requests: a mean batch above 2 rows means requests shared runs.
      const metrics = await sibyl.call('GET', `api/endpoints/${name}/metrics?minutes=5`);
      const points = (metrics.body.deployments.blue as { meanBatchSize: number; requests: number }[]).filter(
        (p) => p.requests > 0,
      );
      expect(Math.max(...points.map((p) => p.meanBatchSize))).toBeGreaterThan(2);
    });

    it('scores a fixed-batch model only with its batch size', async () => {
      const answer = await sibyl.score(
        fixed,
        {
          data: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
        keys[fixed],
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([
        [2, 4, 6],
        [8, 10, 12],
      ]);
      expect(expectError(await sibyl.score(fixed, { data: [[1, 2, 3]] }, keys[fixed]), 400, 'ShapeMismatch')).toMatch(
        /'x'/,
      );
    });
  });

  describe('Open Inference Protocol', () => {
    it('serves server metadata and health anonymously', async () => {
      const server = await sibyl.call('GET', 'api/v2', { anonymous: true });
      expect(server.status).toBe(200);
      expect(server.body).toMatchObject({
        name: expect.any(String),
        version: expect.any(String),
        extensions: expect.any(Array),
      });
      expect((await sibyl.call('GET', 'api/v2/health/live', { anonymous: true })).status).toBe(200);
      const ready = await sibyl.call('GET', 'api/v2/health/ready', { anonymous: true });
      expect(ready.status).toBe(200);
      expect(ready.body.ready).toBe(true);
    });

    it('serves model metadata and readiness for an endpoint and one deployment', async () => {
      const meta = await sibyl.dataGet(`api/v2/models/${two}`, keys[two]!);
      expect(meta.status).toBe(200);
      expect(meta.body).toMatchObject({
        name: two,
        versions: ['blue'],
        platform: 'onnxruntime_onnx',
        inputs: [
          { name: 'x', datatype: 'FP32', shape: [-1, 3] },
          { name: 'y', datatype: 'FP32', shape: [-1, 3] },
        ],
        outputs: [
          { name: 'sum', datatype: 'FP32', shape: [-1, 3] },
          { name: 'product', datatype: 'FP32', shape: [-1, 3] },
        ],
      });
      const versioned = await sibyl.dataGet(`api/v2/models/${types}/versions/${depOf('INT64')}`, keys[types]!);
      expect(versioned.status).toBe(200);
      expect(versioned.body.inputs).toEqual([
        expect.objectContaining({ name: 'input', datatype: 'INT64', shape: [-1, 3] }),
      ]);
      expect(versioned.body.versions).toEqual(expect.arrayContaining(DATATYPES.map(depOf)));

      expect((await sibyl.dataGet(`api/v2/models/${two}/ready`, keys[two]!)).body).toMatchObject({
        name: two,
        ready: true,
      });
      const depReady = await sibyl.dataGet(`api/v2/models/${types}/versions/${depOf('BYTES')}/ready`, keys[types]!);
      expect(depReady.status).toBe(200);
      expect(depReady.body).toMatchObject({ name: types, version: depOf('BYTES'), ready: true });

      expectOipError(await sibyl.dataGet(`api/v2/models/${types}/versions/nope-dep`, keys[types]!), 404);
      expectOipError(await sibyl.dataGet(`api/v2/models/${types}/versions/nope-dep/ready`, keys[types]!), 404);
      expectOipError(await sibyl.dataGet(`api/v2/models/ghost-${RUN}`, keys[types]!), 404);
    });

    it.each(DATATYPES)('round-trips %s exactly through an identity model', async (datatype) => {
      const { send, expect: want } = ROUND_TRIPS[datatype];
      const flat = await sibyl.infer(
        types,
        { inputs: [{ name: 'input', shape: [2, 3], datatype, data: send }] },
        keys[types]!,
        depOf(datatype),
      );
      if (flat.status !== 200) throw new Error(`${datatype}: ${flat.status} ${flat.text}`);
      expect(flat.body).toMatchObject({ model_name: types, model_version: depOf(datatype) });
      expect(flat.body.outputs).toEqual([{ name: 'output', shape: [2, 3], datatype, data: expect.any(Array) }]);
      expect(asSent(datatype, flat.body.outputs[0].data)).toEqual(asSent(datatype, want));
      expect(flat.headers.get('azureml-model-deployment')).toBe(depOf(datatype));
      // Nested data reads the same.
      const nested = await sibyl.infer(
        types,
        { inputs: [{ name: 'input', shape: [2, 3], datatype, data: [send.slice(0, 3), send.slice(3)] }] },
        keys[types]!,
        depOf(datatype),
      );
      expect(nested.status).toBe(200);
      expect(asSent(datatype, nested.body.outputs[0].data)).toEqual(asSent(datatype, want));
    });

    it('adds one to INT64 values past 2^53 without rounding, and refuses unsafe JSON numbers', async () => {
      const answer = await sibyl.infer(
        types,
        {
          inputs: [
            {
              name: 'ids',
              shape: [2, 2],
              datatype: 'INT64',
              data: ['9007199254740993', '9223372036854775806', 41, '-9007199254740995'],
            },
          ],
        },
        keys[types]!,
        'int64-add',
      );
      expect(answer.status).toBe(200);
      expect(answer.body.outputs[0]).toEqual({
        name: 'next',
        shape: [2, 2],
        datatype: 'INT64',
        data: ['9007199254740994', '9223372036854775807', 42, '-9007199254740994'],
      });
      // 9007199254740993 as a JSON number has already become …992: refused, not silently rounded.
      const unsafe = await sibyl.call('POST', `api/v2/models/${types}/versions/int64-add/infer`, {
        anonymous: true,
        headers: { authorization: `Bearer ${keys[types]}`, 'content-type': 'application/json' },
        body: '{"inputs": [{"name": "ids", "shape": [1, 2], "datatype": "INT64", "data": [9007199254740993, 1]}]}',
      });
      expect(expectOipError(unsafe, 400)).toMatch(/2\^53/);
    });

    it('filters outputs, echoes the id and follows the traffic split when unpinned', async () => {
      const body = {
        id: 'req-42',
        inputs: [
          { name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
          { name: 'y', shape: [1, 3], datatype: 'FP32', data: [4, 5, 6] },
        ],
      };
      const all = await sibyl.infer(two, body, keys[two]!);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ model_name: two, model_version: 'blue', id: 'req-42' });
      expect(all.body.outputs.map((o: { name: string }) => o.name)).toEqual(['sum', 'product']);
      const filtered = await sibyl.infer(two, { ...body, outputs: [{ name: 'product' }] }, keys[two]!);
      expect(filtered.body.outputs).toEqual([{ name: 'product', shape: [1, 3], datatype: 'FP32', data: [4, 10, 18] }]);
      const versioned = await sibyl.infer(two, { inputs: body.inputs }, keys[two]!, 'blue');
      expect(versioned.status).toBe(200);
      expect(typeof versioned.body.id).toBe('string');
      expectOipError(await sibyl.infer(two, { ...body, outputs: [{ name: 'quotient' }] }, keys[two]!), 400);

      const unpinned = await sibyl.infer(
        types,
        { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
        keys[types]!,
      );
      expect(unpinned.status).toBe(200);
      expect(unpinned.body.model_version).toBe(depOf('FP32'));
    });
  });

  describe('bad input', () => {
    const rows = rowsOf(2, 16);

    async function healthy(): Promise<void> {
      expect((await sibyl.call('GET', 'api/v2/health/live', { anonymous: true })).status).toBe(200);
      const ok = await sibyl.score(mlp, { data: rows }, keys[mlp]);
      expect(ok.status).toBe(200);
    }

    function raw(endpoint: string, text: string, path = `api/endpoints/${endpoint}/score`): Promise<Answer> {
      return sibyl.call('POST', path, {
        anonymous: true,
        body: text,
        headers: { authorization: `Bearer ${keys[endpoint]}`, 'content-type': 'application/json' },
      });
    }

    it('answers malformed JSON, NaN/Infinity literals and empty bodies with 400', async () => {
      expect(expectError(await raw(mlp, '{"data": [[1, 2'), 400, 'InvalidInput')).toMatch(/not valid JSON/);
      expectError(await raw(mlp, '{"data": [[NaN, 1]]}'), 400, 'InvalidInput');
      expectError(await raw(mlp, '{"data": [[Infinity, 1]]}'), 400, 'InvalidInput');
      expect(expectError(await raw(mlp, ''), 400, 'InvalidInput')).toMatch(/empty/);
      expectError(await raw(mlp, '   '), 400, 'InvalidInput');
      expectError(await raw(mlp, 'null'), 400, 'InvalidInput');
      expectError(await raw(mlp, '[1, 2, 3]'), 400, 'InvalidInput');
      expectOipError(await raw(two, '{"inputs": [', `api/v2/models/${two}/infer`), 400);
      expectOipError(await raw(two, '', `api/v2/models/${two}/infer`), 400);
      await healthy();
    });

    it('answers wrong forms, names, types, shapes and ragged arrays with 400 naming the input', async () => {
      const key = keys[mlp];
      expect(expectError(await sibyl.score(mlp, { rows }, key), 400, 'InvalidInput')).toMatch(/rows/);
      expectError(await sibyl.score(mlp, { data: rows, instances: rows }, key), 400, 'InvalidInput');
      expectError(await sibyl.score(mlp, {}, key), 400, 'InvalidInput');
      expect(expectError(await sibyl.score(mlp, { inputs: { feature: rows } }, key), 400, 'InvalidInput')).toMatch(
        /'feature'.*features/,
      );
      expectError(await sibyl.score(mlp, { input_data: { feature: rows } }, key), 400, 'InvalidInput');
      expect(
        expectError(await sibyl.score(mlp, { data: [['a', ...rows[0]!.slice(1)]] }, key), 400, 'InvalidInput'),
      ).toMatch(/features/);
      expectError(await sibyl.score(mlp, { data: [[true, ...rows[0]!.slice(1)]] }, key), 400, 'InvalidInput');
      expect(expectError(await sibyl.score(mlp, { data: [rows[0]!.slice(1)] }, key), 400, 'ShapeMismatch')).toMatch(
        /features/,
      );
      expectError(await sibyl.score(mlp, { data: [rows[0], rows[1]!.slice(2)] }, key), 400, 'ShapeMismatch');
      expectError(await sibyl.score(mlp, { data: [[...rows[0]!.slice(1), [1]]] }, key), 400);
      expectError(await sibyl.score(mlp, { inputs: { features: [1, 2, 3] } }, key), 400, 'ShapeMismatch');
      expectError(await sibyl.score(two, { inputs: { x: [[1, 2, 3]] } }, keys[two]), 400, 'InvalidInput');

      const oip = (inputs: unknown[]) => sibyl.infer(two, { inputs }, keys[two]!);
      const x = { name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] };
      const y = { name: 'y', shape: [1, 3], datatype: 'FP32', data: [4, 5, 6] };
      expect(expectOipError(await oip([x, { ...y, name: 'z' }]), 400)).toMatch(/'z'/);
      expect(expectOipError(await oip([x]), 400)).toMatch(/'y'/);
      expect(expectOipError(await oip([x, { ...y, datatype: 'INT32' }]), 400)).toMatch(/FP32/);
      expectOipError(await oip([x, { ...y, datatype: 'FLOAT' }]), 400);
      expectOipError(await oip([x, { ...y, shape: [1, 4], data: [1, 2, 3, 4] }]), 400);
      expectOipError(await oip([x, { ...y, shape: [1, 3], data: [1, 2] }]), 400);
      expectOipError(
        await oip([
          x,
          {
            ...y,
            shape: [2, 3],
            data: [
              [1, 2, 3],
              [4, 5],
            ],
          },
        ]),
        400,
      );
      expectOipError(await oip([x, { ...y, data: ['one', 2, 3] }]), 400);
      expectOipError(await oip([x, { ...y, shape: [1, -3] }]), 400);
      expectOipError(await oip([x, { ...y, shape: 'big' }]), 400);
      expectOipError(await oip([x, x, y]), 400);
      // NaN is fine for floats, not for integers.
      const typed = (datatype: OipDatatype, data: unknown[]) =>
        sibyl.infer(
          types,
          { inputs: [{ name: 'input', shape: [1, 3], datatype, data }] },
          keys[types]!,
          depOf(datatype),
        );
      expect(expectOipError(await typed('INT32', ['NaN', 1, 2]), 400)).toMatch(/integer/);
      expectOipError(await typed('BOOL', [1, 0, 1]), 400);
      expectOipError(await typed('UINT8', [256, 0, 1]), 400);
      await healthy();
    });

    it('refuses huge declared shapes without allocating', async () => {
      const huge = await sibyl.infer(
        mlp,
        { inputs: [{ name: 'features', shape: [1_000_000_000, 16], datatype: 'FP32', data: [1] }] },
        keys[mlp]!,
      );
      expect([400, 413]).toContain(huge.status);
      expectOipError(huge, huge.status);
      const astronomic = await sibyl.infer(
        mlp,
        { inputs: [{ name: 'features', shape: [9007199254740991, 9007199254740991], datatype: 'FP32', data: [] }] },
        keys[mlp]!,
      );
      expect([400, 413]).toContain(astronomic.status);
      const azure = await sibyl.score(mlp, { inputs: { features: [[1]] } }, keys[mlp]);
      expectError(azure, 400);
      // A body over the request limit is refused as a whole.
      const big = JSON.stringify({ data: Array.from({ length: 30000 }, () => rows[0]) });
      expect(big.length).toBeGreaterThan(MAX_REQUEST_BYTES);
      expectError(await raw(mlp, big), 413, 'PayloadTooLarge');
      await healthy();
    });

    it('answers unknown endpoints and unknown deployment pins with 404', async () => {
      expectError(await sibyl.score(`ghost-${RUN}`, { data: rows }, keys[mlp]), 404, 'EndpointNotFound');
      expectError(
        await sibyl.score(mlp, { data: rows }, keys[mlp], { 'azureml-model-deployment': 'green' }),
        404,
        'DeploymentNotFound',
      );
      expectOipError(await sibyl.infer(`ghost-${RUN}`, { inputs: [] }, keys[mlp]!), 404);
      expectOipError(await sibyl.infer(two, { inputs: [] }, keys[two]!, 'green'), 404);
      // An endpoint with several deployments and no traffic needs a pin.
      expectError(
        await sibyl.score(types, { data: [[1, 2, 3]] }, keys[types], { 'azureml-model-deployment': 'nope' }),
        404,
        'DeploymentNotFound',
      );
      await healthy();
    });
  });

  describe('metrics', () => {
    it('reports requests, errors, latency percentiles and mean batch size per deployment', async () => {
      const name = `metrics-${RUN}`;
      const key = await sibyl.serve(name, `m-${name}`, mlpBytes);
      for (let i = 0; i < 10; i++) expect((await sibyl.score(name, { data: rowsOf(4, 16, i) }, key)).status).toBe(200);
      for (let i = 0; i < 3; i++) expectError(await sibyl.score(name, { data: [[1, 2]] }, key), 400);
      const answer = await sibyl.call('GET', `api/endpoints/${name}/metrics?minutes=5`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ endpoint: name, minutes: 5 });
      expect(Object.keys(answer.body.deployments)).toEqual(['blue']);
      const points = answer.body.deployments.blue as MetricPoint[];
      // The calls may straddle a minute boundary.
      expect(points.length).toBeGreaterThanOrEqual(1);
      expect(points.reduce((n, p) => n + p.requests, 0)).toBe(13);
      expect(points.reduce((n, p) => n + p.errors, 0)).toBe(3);
      for (const p of points) {
        expect(Date.parse(p.time)).not.toBeNaN();
        expect(p.p50Ms).toBeGreaterThan(0);
        expect(p.p95Ms).toBeGreaterThanOrEqual(p.p50Ms);
        expect(p.p99Ms).toBeGreaterThanOrEqual(p.p95Ms);
      }
      // The warm-up run is not a request; every scored request carried 4 rows.
      const batched = points.filter((p) => p.meanBatchSize > 0);
      expect(batched.length).toBeGreaterThan(0);
      for (const p of batched) expect(p.meanBatchSize).toBe(4);

      expectError(await sibyl.call('GET', `api/endpoints/${name}/metrics?minutes=0`), 400, 'InvalidInput');
      expectError(await sibyl.call('GET', `api/endpoints/${name}/metrics?minutes=soon`), 400, 'InvalidInput');
      expectError(await sibyl.call('GET', `api/endpoints/ghost-${RUN}/metrics`), 404, 'EndpointNotFound');
    });
  });
});
