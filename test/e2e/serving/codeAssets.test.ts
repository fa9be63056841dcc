/**
 * Code assets, environments that carry software, and deployments with user code, over HTTP against
 * the local host: registration of a file, a .zip and a .tar.gz; lists and versions; every refusal of
 * a bad upload, a bad environment and a deployment whose code does not fit its environment or model.
 */
import { tarGzOf, zipOf } from '../../support/archives';
import { expectError, HOST_START_MS, uniqueSuffix, type Answer, type ServingClient } from './support/servingClient';
import { servingHost } from './support/servingHost';

const RUN = uniqueSuffix();
/** `expectError`, and the message matches `message`. */
function expectRefusal(answer: Answer, status: number, code?: string, message?: RegExp): void {
  const text = expectError(answer, status, code);
  if (message) expect(text).toMatch(message);
}

const SCORE_PY = 'def init():\n    pass\n\ndef run(raw_data):\n    return raw_data\n';

describe('code assets, software environments and deployment code (emulator over HTTP)', () => {
  let sibyl: ServingClient;
  servingHost((client) => (sibyl = client), {
    env: { SIBYL_MAX_ARCHIVE_FILES: '5', SIBYL_MAX_UNPACKED_BYTES: String(64 * 1024) },
  });

  const upload = (name: string, body: Uint8Array | string, contentType: string, query = ''): Promise<Answer> =>
    sibyl.call('POST', `api/code/${name}/versions${query}`, {
      body: typeof body === 'string' ? Buffer.from(body) : body,
      headers: { 'content-type': contentType },
    });
  const putEnvironment = (name: string, spec: Record<string, unknown>) =>
    sibyl.call('PUT', `api/environments/${name}`, { body: spec });

  describe('code assets', () => {
    it('registers one file, then a .zip and a .tar.gz of a folder, as versions 1, 2 and 3 with their files', async () => {
      const name = `scorer-${RUN}`;
      const one = await upload(name, SCORE_PY, 'text/x-python', '?fileName=score.py');
      expect(one.status).toBe(201);
      expect(one.headers.get('location')).toBe(`/api/code/${name}/versions/1`);
      expect(one.body).toMatchObject({ name, version: 1 });
      expect(one.body.files).toEqual([
        { path: 'score.py', sizeBytes: Buffer.byteLength(SCORE_PY), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ]);

      /** Uploads an archive as the next version; answers it with the paths of its files. */
      const registered = async (archive: Buffer, contentType: string) => {
        const answer = await upload(name, archive, contentType);
        expect(answer.status).toBe(201);
        return { ...answer, paths: answer.body.files.map((f: { path: string }) => f.path) };
      };
      const zip = await zipOf([
        { path: 'src/score.py', data: SCORE_PY },
        { path: 'src/lib/helpers.py', data: 'X = 1\n' },
      ]);
      const two = await registered(zip, 'application/zip');
      // An archive of one folder holds that folder's content.
      expect(two.paths).toEqual(['lib/helpers.py', 'score.py']);
      expect(two.body.version).toBe(2);

      const tgz = await tarGzOf([
        { path: 'score.py', data: SCORE_PY },
        { path: 'weights.json', data: '{"w": [1, 2]}' },
      ]);
      expect((await registered(tgz, 'application/gzip')).paths).toEqual(['score.py', 'weights.json']);

      const got = await sibyl.call('GET', `api/code/${name}/versions/2`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(two.body);

      const list = await sibyl.call('GET', 'api/code');
      expect(list.status).toBe(200);
      expect(list.body.value).toContainEqual(expect.objectContaining({ name, latestVersion: 3, versions: [1, 2, 3] }));
    });

    it('answers 404 CodeNotFound for a version that does not exist, and 400 for a bad name', async () => {
      expectRefusal(await sibyl.call('GET', `api/code/missing-${RUN}/versions/1`), 404, 'CodeNotFound');
      expectRefusal(await sibyl.call('GET', `api/code/${encodeURIComponent('-bad name')}/versions/1`), 400);
    });

    it('refuses an empty upload, a file without a name, a name leaving the folder and a damaged archive', async () => {
      const name = `refused-${RUN}`;
      expectRefusal(await upload(name, '', 'text/x-python', '?fileName=score.py'), 400, 'InvalidInput', /empty/);
      expectRefusal(await upload(name, SCORE_PY, 'text/x-python'), 400, 'InvalidInput', /fileName/);
      expectRefusal(
        await upload(name, SCORE_PY, 'text/x-python', '?fileName=../score.py'),
        400,
        'InvalidInput',
        /'\.\.'/,
      );
      expectRefusal(await upload(name, SCORE_PY, 'text/x-python', '?fileName=/etc/score.py'), 400, 'InvalidInput');
      expectRefusal(await upload(name, 'not a zip at all', 'application/zip'), 400, 'InvalidInput', /zip/);
      expectRefusal(await upload(name, 'not gzip either', 'application/gzip'), 400, 'InvalidInput', /tar\.gz/);
      expectRefusal(await sibyl.call('GET', `api/code/${name}/versions/1`), 404, 'CodeNotFound');
    });

    it('refuses archives with a path leaving the folder, a link, too many files or too many bytes', async () => {
      const name = `hostile-${RUN}`;
      const traversal = await tarGzOf([{ path: '../evil.py', data: 'x' }]);
      expectRefusal(await upload(name, traversal, 'application/gzip'), 400, 'InvalidInput', /\.\./);
      const link = await tarGzOf([{ path: 'score.py', type: 'symlink', linkname: '/etc/passwd' }]);
      expectRefusal(await upload(name, link, 'application/gzip'), 400, 'InvalidInput', /symlink/);
      const many = await zipOf(Array.from({ length: 6 }, (_, i) => ({ path: `f${i}.py`, data: 'x' })));
      expectRefusal(await upload(name, many, 'application/zip'), 400, 'InvalidInput', /SIBYL_MAX_ARCHIVE_FILES/);
      const big = await zipOf([{ path: 'big.bin', data: Buffer.alloc(65 * 1024, 7) }]);
      expectRefusal(await upload(name, big, 'application/zip'), 400, 'InvalidInput', /SIBYL_MAX_UNPACKED_BYTES/);
      const bigFile = Buffer.alloc(65 * 1024, 7);
      expectRefusal(
        await upload(name, bigFile, 'application/octet-stream', '?fileName=big.bin'),
        413,
        'PayloadTooLarge',
      );
      expectRefusal(await sibyl.call('GET', `api/code/${name}/versions/1`), 404, 'CodeNotFound');
    });
  });

  describe('environments with a runtime', () => {
    it('lists the curated python-3.11@1 (python 3.11 on container compute)', async () => {
      const list = await sibyl.call('GET', 'api/environments');
      expect(list.body.value).toContainEqual(
        expect.objectContaining({
          name: 'python-3.11',
          version: 1,
          curated: true,
          runtime: 'python',
          pythonVersion: '3.11',
          compute: { kind: 'container' },
        }),
      );
    });

    it('stores python fields with their defaults (pip lines split, compute container) and returns them', async () => {
      const name = `py-${RUN}`;
      const created = await putEnvironment(name, {
        runtime: 'python',
        pip: 'numpy==2.1.0\n\n# a comment\nrequests\n',
        conda: 'name: env\ndependencies:\n  - python=3.11\n',
        variables: { LOG_LEVEL: 'debug', _private: 'x' },
        dockerfile: 'FROM python:3.11-slim\n',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        runtime: 'python',
        pythonVersion: '3.11',
        pip: ['numpy==2.1.0', 'requests'],
        conda: 'name: env\ndependencies:\n  - python=3.11\n',
        variables: { LOG_LEVEL: 'debug', _private: 'x' },
        dockerfile: 'FROM python:3.11-slim\n',
        compute: { kind: 'container' },
        executionProviders: ['cpu'],
      });
      const again = await putEnvironment(name, { runtime: 'python', pythonVersion: '3.12', pip: ['scipy'] });
      expect(again.body).toMatchObject({ version: 2, pythonVersion: '3.12', pip: ['scipy'] });
      // Version 1 is unchanged by version 2.
      const list = await sibyl.call('GET', 'api/environments');
      const v1 = list.body.value.find((e: { name: string; version: number }) => e.name === name && e.version === 1);
      expect(v1).toMatchObject({ pip: ['numpy==2.1.0', 'requests'], pythonVersion: '3.11' });
      expect(v1).not.toHaveProperty('_etag');
    });

    it('stores a custom server with its default port, routes and protocol', async () => {
      const azureml = await putEnvironment(`custom-${RUN}`, { runtime: 'custom', command: ['python3', 'server.py'] });
      expect(azureml.status).toBe(201);
      expect(azureml.body).toMatchObject({
        runtime: 'custom',
        command: ['python3', 'server.py'],
        port: 8080,
        routes: { liveness: '/', readiness: '/', scoring: '/score' },
        protocol: 'azureml',
        compute: { kind: 'container' },
      });
      const oip = await putEnvironment(`oip-${RUN}`, {
        runtime: 'custom',
        image: 'example.azurecr.io/server:1',
        port: 9000,
        protocol: 'oip',
        routes: { scoring: '/v2/models/m/infer' },
      });
      expect(oip.body).toMatchObject({
        port: 9000,
        routes: { liveness: '/v2/health/live', readiness: '/v2/health/ready', scoring: '/v2/models/m/infer' },
      });
      const node = await putEnvironment(`node-${RUN}`, { runtime: 'node', compute: { kind: 'gpu', gpu: 'T4' } });
      expect(node.body).toMatchObject({ runtime: 'node', compute: { kind: 'gpu', gpu: 'T4' } });
    });

    it.each([
      ['an unknown runtime', { runtime: 'ruby' }, /runtime/],
      ['onnx without execution providers', { compute: { kind: 'container' } }, /executionProviders is required/],
      ['custom without command or image', { runtime: 'custom', port: 8080 }, /command.*image/],
      ['a port out of range', { runtime: 'custom', command: ['x'], port: 70000 }, /port/],
      ['a route not starting with /', { runtime: 'custom', command: ['x'], routes: { scoring: 'score' } }, /scoring/],
      ['oip without a scoring route', { runtime: 'custom', command: ['x'], protocol: 'oip' }, /routes\.scoring/],
      ['an empty command', { runtime: 'custom', command: [] }, /command/],
      ['a variable name with a dash', { runtime: 'python', variables: { 'BAD-NAME': 'x' } }, /BAD-NAME/],
      ['a variable name starting with a digit', { runtime: 'node', variables: { '1X': 'x' } }, /1X/],
      ['a variable starting with SIBYL_', { runtime: 'python', variables: { SIBYL_SCORER_KEY: 'x' } }, /SIBYL_/],
      ['a variable starting with AZUREML_', { runtime: 'python', variables: { azureml_model_dir: 'x' } }, /AZUREML_/],
      ['a variable value that is not a string', { runtime: 'python', variables: { A: 1 } }, /variables/],
      ['pip entries that are not strings', { runtime: 'python', pip: ['numpy', 3] }, /pip/],
      ['python fields on another runtime', { runtime: 'node', pip: ['numpy'] }, /pip only apply to runtime 'python'/],
      ['custom fields on python', { runtime: 'python', command: ['x'] }, /command only apply to runtime 'custom'/],
      ['python fields on onnx', { conda: 'name: x' }, /conda only apply to runtime 'python'/],
      ['a bad python version', { runtime: 'python', pythonVersion: '2' }, /pythonVersion/],
      [
        'user code on functions compute',
        { runtime: 'python', compute: { kind: 'functions' } },
        /never runs inside the Function App.*'container'/,
      ],
    ])('refuses %s with 400', async (_what, spec, message) => {
      const answer = await putEnvironment(`bad-${RUN}`, spec);
      expectRefusal(answer, 400, 'InvalidInput', message);
    });
  });

  describe('deployments with code', () => {
    const endpoint = `code-${RUN}`;
    const deploy = (spec: Record<string, unknown>) => sibyl.putDeployment(endpoint, 'blue', spec);

    beforeAll(async () => {
      expect((await sibyl.putEndpoint(endpoint, { authMode: 'key' })).status).toBe(201);
      const weights = await zipOf([{ path: 'weights.json', data: '{"w": [2, 3]}' }]);
      const model = await sibyl.call('POST', `api/models/weights-${RUN}/versions?type=custom`, {
        body: weights,
        headers: { 'content-type': 'application/zip' },
      });
      expect(model.status).toBe(201);
      const code = await upload(`score-${RUN}`, SCORE_PY, 'text/x-python', '?fileName=score.py');
      expect(code.status).toBe(201);
      expect((await putEnvironment(`node-dep-${RUN}`, { runtime: 'node' })).status).toBe(201);
    }, HOST_START_MS);

    it('refuses a python runtime without a scoring script', async () => {
      const answer = await deploy({ model: `weights-${RUN}:1`, environment: 'python-3.11@1' });
      expectRefusal(answer, 400, 'InvalidInput', /code\.scoringScript/);
    });

    it('refuses a node runtime whose code names no scoring script', async () => {
      const answer = await deploy({
        model: `weights-${RUN}:1`,
        environment: `node-dep-${RUN}@1`,
        code: { code: `score-${RUN}:1` },
      });
      expectRefusal(answer, 400, 'InvalidInput', /Runtime 'node' runs a scoring script/);
    });

    it('refuses a code asset that does not exist, naming it', async () => {
      const answer = await deploy({
        model: `weights-${RUN}:1`,
        environment: 'python-3.11@1',
        code: { code: `score-${RUN}:9`, scoringScript: 'score.py' },
      });
      expectRefusal(answer, 400, 'InvalidInput', new RegExp(`Code asset 'score-${RUN}:9' does not exist`));
    });

    it('refuses a scoring script missing from the code asset, naming the files it has', async () => {
      const answer = await deploy({
        model: `weights-${RUN}:1`,
        environment: 'python-3.11@1',
        code: { code: `score-${RUN}:1`, scoringScript: 'main.py' },
      });
      expectRefusal(answer, 400, 'InvalidInput', /'main\.py' is not in code asset .*holds: score\.py/);
    });

    it('refuses a custom model on an onnx environment, pointing at code.scoringScript', async () => {
      const answer = await deploy({ model: `weights-${RUN}:1`, environment: 'ort-cpu@1' });
      expectRefusal(answer, 400, 'InvalidInput', /custom model.*code\.scoringScript/);
    });

    it('refuses code on an onnx environment, and a malformed code reference', async () => {
      expectRefusal(
        await deploy({ model: `weights-${RUN}:1`, code: { code: `score-${RUN}:1`, scoringScript: 'score.py' } }),
        400,
        'InvalidInput',
        /runtime 'onnx', which runs no user code/,
      );
      expectRefusal(
        await deploy({ model: `weights-${RUN}:1`, environment: 'python-3.11@1', code: { code: 'no-version' } }),
        400,
        'InvalidInput',
        /code\.code/,
      );
    });

    it('leaves no deployment behind after the refusals', async () => {
      const endpointNow = await sibyl.call('GET', `api/endpoints/${endpoint}`);
      expect(endpointNow.body.deployments).toEqual([]);
    });
  });
});
