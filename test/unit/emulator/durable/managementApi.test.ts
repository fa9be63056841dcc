import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { DurableEngine } from '../../../../emulator/durable/engine';
import { managementApi } from '../../../../emulator/durable/managementApi';
import type { ManagementRequest, ManagementResponse } from '../../../../emulator/durable/managementApi';
import { startEngine, tempDir, until } from './durableTestKit';

df.app.activity('upper', { handler: (s: string) => s.toUpperCase() });
df.app.orchestration('shout', function* (ctx: OrchestrationContext) {
  const input = ctx.df.getInput<{ text: string }>();
  return (yield ctx.df.callActivity('upper', input.text)) as string;
});
df.app.orchestration('wait', function* (ctx: OrchestrationContext) {
  return (yield ctx.df.waitForExternalEvent('done')) as unknown;
});
df.app.orchestration('broken', function* (ctx: OrchestrationContext) {
  yield ctx.df.callActivity('upper', 'x');
  throw new Error('broken on purpose');
});

const origin = 'http://127.0.0.1:7071';

describe('management API handler', () => {
  const tmp = tempDir();
  let engine: DurableEngine;

  function call(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string>; query?: string } = {},
  ): Promise<ManagementResponse> {
    const [bare, search] = path.split('?');
    const req: ManagementRequest = {
      method,
      path: bare ?? '',
      query: new URLSearchParams(options.query ?? search ?? ''),
      body: Buffer.from(options.body ?? ''),
      origin,
      headers: { 'content-type': 'application/json', ...options.headers },
    };
    return managementApi(engine)(req);
  }

  async function start(name: string, body: unknown, id?: string): Promise<string> {
    const answer = await call('POST', `orchestrators/${name}${id ? `/${encodeURIComponent(id)}` : ''}`, {
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(202);
    return (answer.body as { id: string }).id;
  }

  beforeAll(async () => {
    ({ engine } = await startEngine(tmp.dir));
  });
  afterAll(async () => {
    await engine.stop();
    tmp.cleanup();
  });

  it('answers a start with the check-status payload and Location', async () => {
    const answer = await call('POST', 'orchestrators/shout/id%3A1', { body: '{"text":"hi"}' });
    expect(answer.status).toBe(202);
    expect(answer.headers).toMatchObject({
      Location: `${origin}/runtime/webhooks/durabletask/instances/id%3A1?taskHub=TestHub&connection=Storage`,
      'Retry-After': '10',
    });
    expect(Object.keys(answer.body as object).sort()).toEqual(
      [
        'id',
        'statusQueryGetUri',
        'sendEventPostUri',
        'terminatePostUri',
        'purgeHistoryDeleteUri',
        'restartPostUri',
        'suspendPostUri',
        'resumePostUri',
      ].sort(),
    );
    expect((answer.body as { id: string }).id).toBe('id:1');
    await engine.waitForCompletion('id:1', 5_000);
  });

  it('waits for the result with timeout/pollingInterval', async () => {
    const answer = await call('POST', 'orchestrators/shout?timeout=5&pollingInterval=1', {
      body: '{"text":"wait for me"}',
    });
    expect(answer).toMatchObject({ status: 200, body: 'WAIT FOR ME' });
    const slow = await call('POST', 'orchestrators/wait?timeout=0.05&pollingInterval=0.01');
    expect(slow.status).toBe(202);
  });

  it('reports status 202 while running and 200 when done, with history on request', async () => {
    const id = await start('wait', null, 'st-1');
    await until(() => engine.summary(id)?.status === 'Running', 'running');
    const running = await call('GET', 'instances/st-1?showInput=false');
    expect(running.status).toBe(202);
    expect(running.headers).toMatchObject({
      'Retry-After': '5',
      Location: `${origin}/runtime/webhooks/durabletask/instances/st-1?showInput=false`,
    });
    expect(running.body).toMatchObject({
      instanceId: 'st-1',
      runtimeStatus: 'Running',
      input: null,
      output: null,
      customStatus: null,
    });

    expect((await call('POST', 'instances/st-1/raiseEvent/done', { body: '{"v":42}' })).status).toBe(202);
    await engine.waitForCompletion(id, 5_000);
    const done = await call('GET', 'instances/st-1', { query: 'showHistory=true&showHistoryOutput=true' });
    expect(done.status).toBe(200);
    const body = done.body as {
      output: unknown;
      createdTime: string;
      lastUpdatedTime: string;
      historyEvents: Record<string, unknown>[];
    };
    expect(body.output).toEqual({ v: 42 });
    expect(body.createdTime).toMatch(/T\d\d:\d\d:\d\dZ$/);
    expect(body.lastUpdatedTime).toMatch(/T\d\d:\d\d:\d\dZ$/);
    expect(body.historyEvents.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'EventRaised',
      'ExecutionCompleted',
    ]);
    expect(body.historyEvents[0]).toMatchObject({ FunctionName: 'wait' });
    expect(body.historyEvents[2]).toMatchObject({ OrchestrationStatus: 'Completed', Result: { v: 42 } });
    expect(body.historyEvents.every((e) => !('EventId' in e) && !('IsPlayed' in e))).toBe(true);
  });

  it('folds activity schedules into their completions in the history', async () => {
    const id = await start('shout', { text: 'a' });
    await engine.waitForCompletion(id, 5_000);
    const { body } = await call('GET', `instances/${id}`, { query: 'showHistory=true' });
    const events = (body as { historyEvents: Record<string, unknown>[] }).historyEvents;
    expect(events.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'TaskCompleted', 'ExecutionCompleted']);
    expect(events[1]).toMatchObject({ FunctionName: 'upper' });
    expect(events[1]).toHaveProperty('ScheduledTime');
    expect(events[1]).not.toHaveProperty('Result');
  });

  it('reports a failed instance with 200 (or 500 on request)', async () => {
    const id = await start('broken', null);
    await engine.waitForCompletion(id, 5_000);
    const ok = await call('GET', `instances/${id}`);
    expect(ok).toMatchObject({
      status: 200,
      body: { runtimeStatus: 'Failed', output: "Orchestrator function 'broken' failed: broken on purpose" },
    });
    expect((await call('GET', `instances/${id}?returnInternalServerErrorOnFailure=true`)).status).toBe(500);
    expect((await call('POST', `instances/${id}/rewind?reason=x`)).status).toBe(501);
  });

  it('pages queries with x-ms-continuation-token and filters them', async () => {
    for (const n of [1, 2, 3, 4, 5]) await start('wait', null, `q-${n}`);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await call('GET', 'instances/', {
        query: 'instanceIdPrefix=q-&top=2',
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      expect(answer.status).toBe(200);
      seen.push(...(answer.body as { instanceId: string }[]).map((s) => s.instanceId));
      token = answer.headers['x-ms-continuation-token'];
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['q-1', 'q-2', 'q-3', 'q-4', 'q-5']);
    const none = await call('GET', 'instances', { query: `runtimeStatus=Completed&instanceIdPrefix=q-` });
    expect(none.body).toEqual([]);
    const future = await call('GET', 'instances', {
      query: `createdTimeFrom=${new Date(Date.now() + 60_000).toISOString()}`,
    });
    expect(future.body).toEqual([]);
    expect((await call('GET', 'instances', { headers: { 'x-ms-continuation-token': 'garbage!' } })).status).toBe(400);
  });

  it('purges one instance and by filter, refusing running ones', async () => {
    const running = await start('wait', null, 'purge-running');
    expect((await call('DELETE', `instances/${running}`)).status).toBe(412);
    const id = await start('shout', { text: 'p' }, 'purge-me');
    await engine.waitForCompletion(id, 5_000);
    expect(await call('DELETE', 'instances/purge-me')).toMatchObject({ status: 200, body: { instancesDeleted: 1 } });
    expect((await call('DELETE', 'instances/purge-me')).status).toBe(404);
    expect((await call('GET', 'instances/purge-me')).status).toBe(404);
    expect((await call('DELETE', 'instances/')).status).toBe(400);
    expect(
      (await call('DELETE', 'instances/', { query: `createdTimeFrom=${new Date(Date.now() + 60_000).toISOString()}` }))
        .status,
    ).toBe(404);
    const purged = await call('DELETE', 'instances/', {
      query: 'createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Completed',
    });
    expect(purged.status).toBe(200);
    expect(engine.summary('purge-running')?.status).toBe('Running');
  });

  it('answers 404/410/400/409 for bad requests and never throws', async () => {
    expect((await call('GET', 'nowhere')).status).toBe(404);
    expect((await call('PUT', 'instances/x')).status).toBe(404);
    expect((await call('POST', 'orchestrators/nope', { body: '{}' })).status).toBe(400);
    expect((await call('POST', 'orchestrators/shout', { body: '{not json' })).status).toBe(400);
    expect((await call('GET', 'instances/%E0%A4%A')).status).toBe(400);
    expect((await call('POST', 'instances/ghost/raiseEvent/x', { body: '1' })).status).toBe(404);
    expect((await call('POST', 'instances/ghost/terminate')).status).toBe(404);

    const id = await start('wait', null, 'bad-1');
    expect((await call('POST', 'orchestrators/wait/bad-1')).status).toBe(409);
    expect(
      (
        await call('POST', `instances/${id}/raiseEvent/done`, {
          body: 'plain',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(400);
    expect((await call('POST', `instances/${id}/raiseEvent/done`, { body: '{oops' })).status).toBe(400);
    expect((await call('POST', `instances/${id}/terminate?reason=stop`)).status).toBe(202);
    await engine.waitForCompletion(id, 5_000);
    expect((await call('POST', `instances/${id}/raiseEvent/done`, { body: '1' })).status).toBe(410);
    expect((await call('POST', `instances/${id}/terminate`)).status).toBe(410);
    expect((await call('POST', `instances/${id}/suspend`)).status).toBe(410);
    expect((await call('GET', 'entities/counter/k')).status).toBe(501);
    const restarted = await call('POST', `instances/${id}/restart?restartWithNewInstanceId=false`);
    expect(restarted).toMatchObject({ status: 202, body: { id: 'bad-1' } });
  });
});
