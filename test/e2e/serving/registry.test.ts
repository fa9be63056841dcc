/**
 * The model registry, environments and the OpenAPI document, end to end: the real emulator as a child
 * process over the test run's Azurite and Cosmos, driven over HTTP.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { identityModel } from '../../../scripts/onnx/identityModels';
import { mlpModel, MLP_SIZES } from '../../../scripts/onnx/mlpModel';
import { ROUTES } from '../../../shared/api/routes';
import { expectError, uniqueSuffix, type ServingClient } from './support/servingClient';
import { servingHost } from './support/servingHost';

const RUN = uniqueSuffix();
const tiny = mlpModel({ ...MLP_SIZES.tiny, seed: 7 });
const tinyOther = mlpModel({ ...MLP_SIZES.tiny, seed: 8 });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Blob paths stored under `models/{name}/` in the test run's Azurite. */
async function storedBlobs(name: string): Promise<string[]> {
  const service = BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!);
  const container = service.getContainerClient('models');
  if (!(await container.exists())) return [];
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${name}/` })) names.push(blob.name);
  return names.sort();
}

describe('model registry and environments (emulator over HTTP)', () => {
  let sibyl: ServingClient;
  servingHost((client) => (sibyl = client));

  describe('models', () => {
    const name = `mlp-${RUN}`;

    it('registers versions with signature, sha256 and size, and reads them back', async () => {
      const first = await sibyl.registerModel(name, tiny, {
        description: 'first cut',
        tags: { team: 'fraud', stage: 'dev' },
      });
      expect(first.status).toBe(201);
      expect(first.headers.get('location')).toBe(`/api/models/${name}/versions/1`);
      expect(first.body).toMatchObject({
        name,
        version: 1,
        description: 'first cut',
        tags: { team: 'fraud', stage: 'dev' },
        sizeBytes: tiny.byteLength,
        sha256: sha256(tiny),
        signature: {
          inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 16] }],
          outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 4] }],
        },
      });
      expect(Date.parse(first.body.createdAt)).not.toBeNaN();
      expect(await storedBlobs(name)).toEqual([`${name}/1.manifest.json`, `${name}/1/model.onnx`]);

      const second = await sibyl.registerModel(name, tinyOther);
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ version: 2, description: '', tags: {}, sha256: sha256(tinyOther) });

      const list = await sibyl.call('GET', 'api/models');
      expect(list.status).toBe(200);
      expect(list.body.value).toEqual(expect.arrayContaining([expect.objectContaining({ name, latestVersion: 2 })]));

      const model = await sibyl.call('GET', `api/models/${name}`);
      expect(model.status).toBe(200);
      expect(model.body).toMatchObject({ name, latestVersion: 2, aliases: { latest: 2 } });

      const versions = await sibyl.call('GET', `api/models/${name}/versions`);
      expect(versions.status).toBe(200);
      expect(versions.body.value.map((v: { version: number }) => v.version)).toEqual([1, 2]);

      const v1 = await sibyl.call('GET', `api/models/${name}/versions/1`);
      expect(v1.status).toBe(200);
      expect(v1.body).toEqual(first.body);
    });

    it('patches description and tags as a JSON merge patch', async () => {
      const patched = await sibyl.call('PATCH', `api/models/${name}/versions/1`, {
        body: { description: 'second look', tags: { stage: 'prod', team: null, owner: 'ana' } },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        version: 1,
        description: 'second look',
        tags: { stage: 'prod', owner: 'ana' },
      });
      expect(patched.body.tags).not.toHaveProperty('team');
      const tagsOnly = await sibyl.call('PATCH', `api/models/${name}/versions/1`, { body: { tags: { extra: 'x' } } });
      expect(tagsOnly.body).toMatchObject({
        description: 'second look',
        tags: { stage: 'prod', owner: 'ana', extra: 'x' },
      });
      expect((await sibyl.call('GET', `api/models/${name}/versions/1`)).body.tags).toEqual({
        stage: 'prod',
        owner: 'ana',
        extra: 'x',
      });
      expectError(
        await sibyl.call('PATCH', `api/models/${name}/versions/1`, { body: { description: 5 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PATCH', `api/models/${name}/versions/9`, { body: { description: 'x' } }),
        404,
        'ModelNotFound',
      );
    });

    it('sets aliases, refuses `latest` and unknown versions, and guards deletes', async () => {
      const aliased = await sibyl.call('PUT', `api/models/${name}/aliases/prod`, { body: { version: 1 } });
      expect(aliased.status).toBe(200);
      expect(aliased.body).toMatchObject({ name, latestVersion: 2, aliases: { prod: 1, latest: 2 } });
      expectError(
        await sibyl.call('PUT', `api/models/${name}/aliases/latest`, { body: { version: 1 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/models/${name}/aliases/prod`, { body: { version: 42 } }),
        404,
        'ModelNotFound',
      );
      expectError(await sibyl.call('PUT', `api/models/${name}/aliases/prod`, { body: {} }), 400, 'InvalidInput');

      // An alias target cannot be deleted…
      expect(expectError(await sibyl.call('DELETE', `api/models/${name}/versions/1`), 409, 'Conflict')).toMatch(
        /alias prod/,
      );
      // …nor a version a deployment serves.
      const endpoint = `reg-${RUN}`;
      expect((await sibyl.putEndpoint(endpoint, { authMode: 'key' })).status).toBe(201);
      const deployed = await sibyl.putDeployment(endpoint, 'blue', { model: `${name}@latest` });
      expect(deployed.status).toBe(201);
      expect(deployed.body).toMatchObject({ model: `${name}@latest`, resolvedModel: `${name}:2` });
      expect(expectError(await sibyl.call('DELETE', `api/models/${name}/versions/2`), 409, 'Conflict')).toMatch(
        new RegExp(`${endpoint}/blue`),
      );

      expect((await sibyl.call('DELETE', `api/endpoints/${endpoint}/deployments/blue`)).status).toBe(204);
      const deleted = await sibyl.call('DELETE', `api/models/${name}/versions/2`);
      expect(deleted.status).toBe(204);
      expectError(await sibyl.call('GET', `api/models/${name}/versions/2`), 404, 'ModelNotFound');
      expect((await sibyl.call('GET', `api/models/${name}`)).body).toMatchObject({
        latestVersion: 1,
        aliases: { latest: 1, prod: 1 },
      });
      expect(await storedBlobs(name)).toEqual([`${name}/1.manifest.json`, `${name}/1/model.onnx`]);
      expectError(await sibyl.call('DELETE', `api/models/${name}/versions/2`), 404, 'ModelNotFound');
      expect((await sibyl.call('DELETE', `api/endpoints/${endpoint}`)).status).toBe(204);
    });

    it('numbers 8 concurrent registrations 1..8 with no gaps or duplicates', async () => {
      const concurrent = `conc-${RUN}`;
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => sibyl.registerModel(concurrent, identityModel('FP32', ['batch', i + 1]))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
      expect(answers.map((a) => Number(a.body.version)).sort((a: number, b: number) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
      const versions = (await sibyl.call('GET', `api/models/${concurrent}/versions`)).body.value as {
        version: number;
        signature: { inputs: { shape: number[] }[] };
      }[];
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // Each version holds the bytes it was registered with.
      for (const answer of answers) {
        const stored = versions.find((v) => v.version === answer.body.version)!;
        expect(stored.signature).toEqual(answer.body.signature);
      }
      expect((await sibyl.call('GET', `api/models/${concurrent}`)).body.latestVersion).toBe(8);
      expect(await storedBlobs(concurrent)).toHaveLength(16);
    });

    it('refuses a file ONNX Runtime cannot open with 400 InvalidModel and stores nothing', async () => {
      const bogus = `bogus-${RUN}`;
      const garbage = new TextEncoder().encode('this is not an onnx model, just some text pretending to be one');
      expect(expectError(await sibyl.registerModel(bogus, garbage), 400, 'InvalidModel')).toBeTruthy();
      expectError(await sibyl.call('GET', `api/models/${bogus}`), 404, 'ModelNotFound');
      expect((await sibyl.call('GET', 'api/models')).body.value.map((m: { name: string }) => m.name)).not.toContain(
        bogus,
      );
      expect(await storedBlobs(bogus)).toEqual([]);

      // A bad upload to an existing model leaves its versions alone and the next good one is contiguous.
      const truncated = tiny.slice(0, Math.floor(tiny.byteLength / 2));
      expectError(await sibyl.registerModel(name, truncated), 400, 'InvalidModel');
      expect(
        (await sibyl.call('GET', `api/models/${name}/versions`)).body.value.map((v: { version: number }) => v.version),
      ).toEqual([1]);
      const next = await sibyl.registerModel(name, tinyOther);
      expect(next.status).toBe(201);
      // Version 2 was deleted above; numbers are never reused, so the next is 3.
      expect(next.body.version).toBe(3);
      expect(await storedBlobs(name)).toEqual([
        `${name}/1.manifest.json`,
        `${name}/1/model.onnx`,
        `${name}/3.manifest.json`,
        `${name}/3/model.onnx`,
      ]);
    });

    it('answers an empty body, a wrong content type, unknown models and bad names with 4xx', async () => {
      const fresh = `empty-${RUN}`;
      expectError(await sibyl.registerModel(fresh, new Uint8Array(0)), 400);
      expectError(await sibyl.call('GET', `api/models/${fresh}`), 404, 'ModelNotFound');
      expectError(await sibyl.registerModel(fresh, tiny, {}, 'application/json'), 400, 'InvalidInput');
      expectError(await sibyl.registerModel(fresh, tiny, {}, 'text/plain'), 415, 'UnsupportedMediaType');
      expectError(await sibyl.call('GET', `api/models/${fresh}`), 404, 'ModelNotFound');
      expectError(await sibyl.call('GET', `api/models/nope-${RUN}/versions`), 404, 'ModelNotFound');
      expectError(await sibyl.call('GET', `api/models/${name}/versions/77`), 404, 'ModelNotFound');
      expectError(await sibyl.call('GET', `api/models/${name}/versions/abc`), 400);
      const badTags = await sibyl.call('POST', `api/models/${fresh}/versions?tags=${encodeURIComponent('{not json')}`, {
        body: tiny,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expectError(badTags, 400, 'InvalidInput');
      expectError(await sibyl.registerModel('-bad', tiny), 400, 'InvalidInput');
      expect((await sibyl.call('GET', 'api/models', { anonymous: true })).status).toBe(401);
    });
  });

  describe('environments', () => {
    it('lists the curated ort-cpu@1 and ort-cuda@1', async () => {
      const list = await sibyl.call('GET', 'api/environments');
      expect(list.status).toBe(200);
      const refs = list.body.value.map((e: { reference: string }) => e.reference);
      expect(refs).toEqual(expect.arrayContaining(['ort-cpu@1', 'ort-cuda@1']));
      expect(list.body.value.find((e: { reference: string }) => e.reference === 'ort-cpu@1')).toMatchObject({
        curated: true,
        executionProviders: ['cpu'],
      });
    });

    it('versions custom environments and refuses curated names and bad specs', async () => {
      const name = `env-${RUN}`;
      const spec = {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        graphOptimizationLevel: 'basic',
        compute: { kind: 'functions' },
      };
      const first = await sibyl.call('PUT', `api/environments/${name}`, { body: spec });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ name, version: 1, reference: `${name}@1`, curated: false, ...spec });
      const second = await sibyl.call('PUT', `api/environments/${name}`, { body: { ...spec, intraOpNumThreads: 2 } });
      expect(second.body).toMatchObject({ version: 2, reference: `${name}@2`, intraOpNumThreads: 2 });
      const refs = (await sibyl.call('GET', 'api/environments')).body.value.map(
        (e: { reference: string }) => e.reference,
      );
      expect(refs).toEqual(expect.arrayContaining([`${name}@1`, `${name}@2`]));

      expectError(await sibyl.call('PUT', 'api/environments/ort-cpu', { body: spec }), 409, 'Conflict');
      expectError(
        await sibyl.call('PUT', 'api/environments/ort-cuda', {
          body: { executionProviders: ['cuda'], compute: { kind: 'gpu' } },
        }),
        409,
        'Conflict',
      );
      expectError(
        await sibyl.call('PUT', `api/environments/${name}`, { body: { executionProviders: ['tpu'] } }),
        400,
        'InvalidInput',
      );
      expectError(await sibyl.call('PUT', `api/environments/${name}`, { body: {} }), 400, 'InvalidInput');
      expectError(
        await sibyl.call('PUT', `api/environments/${name}`, {
          body: { executionProviders: ['cpu'], graphOptimizationLevel: 'max' },
        }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/environments/${name}`, {
          body: { executionProviders: ['cuda'], compute: { kind: 'functions' } },
        }),
        400,
        'InvalidInput',
      );
      expectError(await sibyl.call('PUT', `api/environments/${name}`, { body: '{"executionProviders": [' }), 400);
      // The refusals registered nothing.
      const after = (await sibyl.call('GET', 'api/environments')).body.value.filter(
        (e: { name: string }) => e.name === name,
      );
      expect(after.map((e: { version: number }) => e.version)).toEqual([1, 2]);
    });

    it('serves a deployment in a custom environment', async () => {
      const env = `envdep-${RUN}`;
      expect(
        (
          await sibyl.call('PUT', `api/environments/${env}`, {
            body: { executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' },
          })
        ).status,
      ).toBe(201);
      const endpoint = `envep-${RUN}`;
      const key = await sibyl.serve(endpoint, `envmodel-${RUN}`, tiny, { environment: `${env}@1` });
      expect((await sibyl.call('GET', `api/endpoints/${endpoint}/deployments/blue`)).body.environment).toBe(`${env}@1`);
      const scored = await sibyl.score(endpoint, { data: [Array(16).fill(0.5)] }, key);
      expect(scored.status).toBe(200);
      expect(scored.body).toHaveLength(1);
      expectError(
        await sibyl.putDeployment(endpoint, 'green', { model: `envmodel-${RUN}:1`, environment: `${env}@9` }),
        404,
        'EnvironmentNotFound',
      );
      expect((await sibyl.call('DELETE', `api/endpoints/${endpoint}`)).status).toBe(204);
    });
  });

  describe('OpenAPI', () => {
    it('serves api/openapi.json (3.1) listing every route of the route table', async () => {
      const doc = await sibyl.call('GET', 'api/openapi.json', { anonymous: true });
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\.1\./);
      const paths = doc.body.paths as Record<string, Record<string, unknown>>;
      for (const route of ROUTES) {
        expect(paths[route.path]).toBeDefined();
        expect(paths[route.path]![route.method.toLowerCase()]).toBeDefined();
      }
      for (const path of [
        '/api/models/{name}/versions',
        '/api/endpoints/{name}/score',
        '/api/v2/models/{model}/infer',
        '/api/environments/{name}',
        '/api/endpoints/{name}/metrics',
      ]) {
        expect(paths).toHaveProperty([path]);
      }
    });
  });
});
