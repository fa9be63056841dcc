/**
 * Conditional requests over HTTP, the same on every resource that has them: the write (`PUT`, or `PATCH` of a
 * version) and the `GET` of model versions, models (their aliases), endpoints, deployments, pipeline drafts,
 * pipeline versions and schedules answer the resource's `ETag`; `If-Match` with it writes, a stale one answers
 * 412 and changes nothing; the dashboard page answers 304 to a matching `If-None-Match`. Also: the list routes
 * that take no input never refuse a request (no 400), and the paging token of `GET api/runs` is checked.
 */
import { mlpModel, MLP_SIZES } from '../../../scripts/onnx/mlpModel';
import { expectError, uniqueSuffix, type Answer, type ServingClient } from './support/servingClient';
import { servingHost } from './support/servingHost';

const RUN = uniqueSuffix();
const MODEL = `condmlp-${RUN}`;
const PIPELINE_SPEC = {
  steps: [
    {
      name: 'copy',
      kind: 'copy',
      from: { datastore: 'workspaceblobstore', path: `cond-${RUN}/in/` },
      to: { datastore: 'workspaceblobstore', path: `cond-${RUN}/out/` },
    },
  ],
};

/** The answer's ETag, asserting the status first. */
function etagOf(answer: Answer, status: number): string {
  if (answer.status !== status)
    throw new Error(`expected ${status}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  const etag = answer.headers.get('etag');
  if (!etag) throw new Error(`no ETag header on a ${status} answer: ${answer.text.slice(0, 200)}`);
  return etag;
}

describe('conditional requests (ETag and If-Match) over HTTP', () => {
  let sibyl: ServingClient;
  servingHost(async (client) => {
    sibyl = client;
    expect((await sibyl.registerModel(MODEL, mlpModel({ ...MLP_SIZES.tiny, seed: 9 }))).status).toBe(201);
  });

  /**
   * The round trip every conditional resource shares: the write answers an ETag, GET answers the same one,
   * a write with it succeeds (a new ETag, which GET answers), a write with the old one is a 412 that
   * changes nothing.
   */
  async function roundTrip(
    path: string,
    method: 'PUT' | 'PATCH',
    bodies: [unknown, unknown, unknown],
    created: number,
    shows: (body: Answer['body']) => unknown,
  ): Promise<void> {
    const first = etagOf(await sibyl.call(method, path, { body: bodies[0] }), created);
    expect(etagOf(await sibyl.call('GET', path), 200)).toBe(first);
    const second = etagOf(await sibyl.call(method, path, { body: bodies[1], headers: { 'if-match': first } }), 200);
    expect(second).not.toBe(first);
    expect(etagOf(await sibyl.call('GET', path), 200)).toBe(second);
    expectError(
      await sibyl.call(method, path, { body: bodies[2], headers: { 'if-match': first } }),
      412,
      'PreconditionFailed',
    );
    const after = await sibyl.call('GET', path);
    expect(etagOf(after, 200)).toBe(second);
    expect(shows(after.body)).toEqual(shows({ ...(bodies[1] as object) }));
  }

  it('endpoints', async () => {
    await roundTrip(
      `api/endpoints/e-${RUN}`,
      'PUT',
      [
        { authMode: 'key', description: 'one' },
        { authMode: 'key', description: 'two' },
        { authMode: 'key', description: 'three' },
      ],
      201,
      (body) => body.description,
    );
  });

  it('model versions and aliases (an alias lives in its model: GET of the model answers its ETag)', async () => {
    await roundTrip(
      `api/models/${MODEL}/versions/1`,
      'PATCH',
      [{ description: 'one' }, { description: 'two' }, { description: 'three' }],
      200,
      (body) => body.description,
    );
    const model = `api/models/${MODEL}`;
    const read = etagOf(await sibyl.call('GET', model), 200);
    const aliased = etagOf(
      await sibyl.call('PUT', `${model}/aliases/prod`, { body: { version: 1 }, headers: { 'if-match': read } }),
      200,
    );
    expect(aliased).not.toBe(read);
    expectError(
      await sibyl.call('PUT', `${model}/aliases/canary`, { body: { version: 1 }, headers: { 'if-match': read } }),
      412,
      'PreconditionFailed',
    );
    const after = await sibyl.call('GET', model);
    expect([etagOf(after, 200), after.body.aliases]).toEqual([aliased, expect.objectContaining({ prod: 1 })]);
    expect(after.body.aliases.canary).toBeUndefined();
  });

  it('deployments', async () => {
    expect((await sibyl.putEndpoint(`d-${RUN}`, { authMode: 'key' })).status).toBe(201);
    await roundTrip(
      `api/endpoints/d-${RUN}/deployments/blue`,
      'PUT',
      [
        { model: `${MODEL}:1`, requestTimeoutMs: 5000 },
        { model: `${MODEL}:1`, requestTimeoutMs: 6000 },
        { model: `${MODEL}:1`, requestTimeoutMs: 7000 },
      ],
      201,
      (body) => body.requestTimeoutMs,
    );
  });

  it('pipeline drafts and published versions', async () => {
    const path = `api/pipelines/p-${RUN}`;
    await roundTrip(
      path,
      'PUT',
      [
        { ...PIPELINE_SPEC, description: 'one' },
        { ...PIPELINE_SPEC, description: 'two' },
        { ...PIPELINE_SPEC, description: 'three' },
      ],
      201,
      (body) => body.description,
    );
    expect((await sibyl.call('POST', `${path}/publish`)).status).toBe(201);
    // The version is PATCHed, not PUT: the first write is the publish above.
    const version = `${path}/versions/1`;
    const published = etagOf(await sibyl.call('GET', version), 200);
    const disabled = etagOf(
      await sibyl.call('PATCH', version, { body: { enabled: false }, headers: { 'if-match': published } }),
      200,
    );
    expect(disabled).not.toBe(published);
    expect(etagOf(await sibyl.call('GET', version), 200)).toBe(disabled);
    expectError(
      await sibyl.call('PATCH', version, { body: { enabled: true }, headers: { 'if-match': published } }),
      412,
      'PreconditionFailed',
    );
    const after = await sibyl.call('GET', version);
    expect([etagOf(after, 200), after.body.enabled]).toEqual([disabled, false]);
  });

  it('schedules', async () => {
    const pipeline = `sp-${RUN}`;
    expect((await sibyl.call('PUT', `api/pipelines/${pipeline}`, { body: PIPELINE_SPEC })).status).toBe(201);
    expect((await sibyl.call('POST', `api/pipelines/${pipeline}/publish`)).status).toBe(201);
    const spec = (enabled: boolean, cron: string) => ({ pipeline: `${pipeline}:1`, enabled, trigger: { cron } });
    await roundTrip(
      `api/schedules/s-${RUN}`,
      'PUT',
      [spec(false, '0 0 2 * * *'), spec(false, '0 0 3 * * *'), spec(false, '0 0 4 * * *')],
      201,
      (body) => body.trigger.cron,
    );
  });

  it('If-Match on a resource that does not exist is a 412, never a silent create', async () => {
    expectError(
      await sibyl.call('PUT', `api/pipelines/none-${RUN}`, { body: PIPELINE_SPEC, headers: { 'if-match': '"x"' } }),
      412,
      'PreconditionFailed',
    );
    expect((await sibyl.call('GET', `api/pipelines/none-${RUN}`)).status).toBe(404);
  });

  it('the dashboard page answers its ETag, and 304 to an If-None-Match that names it', async () => {
    const page = await sibyl.call('GET', '/', { anonymous: true });
    const etag = etagOf(page, 200);
    const again = await sibyl.call('GET', '/', { anonymous: true, headers: { 'if-none-match': etag } });
    expect([again.status, again.headers.get('etag'), again.text]).toEqual([304, etag, '']);
    expect((await sibyl.call('GET', '/', { anonymous: true, headers: { 'if-none-match': '"other"' } })).status).toBe(
      200,
    );
  });

  it('list routes that take no input answer 200 whatever the query string', async () => {
    for (const path of ['api/datastores', 'api/pipelines', 'api/schedules', 'api/experiments', 'api/monitors']) {
      const answer = await sibyl.call('GET', `${path}?top=none&status=nonsense&continuationToken=`);
      expect(`${path} ${answer.status} ${Array.isArray(answer.body.value)}`).toBe(`${path} 200 true`);
    }
  });

  // Tokens Sibyl did not hand out are refused before Cosmos DB sees them (shared/workspace/pageToken.ts).
  it('GET api/runs checks its query, the paging token included', async () => {
    expectError(await sibyl.call('GET', 'api/runs?top=0'), 400, 'InvalidInput');
    expectError(await sibyl.call('GET', `api/runs?continuationToken=${'x'.repeat(8193)}`), 400, 'InvalidInput');
    expectError(await sibyl.call('GET', 'api/runs?continuationToken=abc.def'), 400, 'InvalidInput');
    expect((await sibyl.call('GET', 'api/runs?top=1')).status).toBe(200);
  });

  // Cosmos DB refuses these characters in an id: the SDK threw before any read, and the caller got a 500.
  it('answers run and batch job ids with a space, slash, backslash or # with 400, and unknown ones with 404', async () => {
    for (const id of ['a%2Fb', '..%2F..', '%20', 'a%20b', 'a%5Cb', 'a%23b']) {
      for (const [method, route] of [
        ['GET', `api/runs/${id}`],
        ['GET', `api/runs/${id}/logs`],
        ['POST', `api/runs/${id}/cancel`],
        ['GET', `api/batch/jobs/${id}`],
        ['POST', `api/batch/jobs/${id}/cancel`],
      ] as const)
        expectError(await sibyl.call(method, route), 400, 'InvalidInput');
    }
    expectError(await sibyl.call('GET', 'api/runs/batch-no-such-run'), 404, 'RunNotFound');
  });
});
