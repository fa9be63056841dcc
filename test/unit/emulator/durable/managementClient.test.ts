import { InvocationContext, app } from '@azure/functions';
import type { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient, OrchestrationContext } from 'durable-functions';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { durableClientData, durableClientInputData } from '../../../../emulator/durable/clientBinding';
import type { DurableEngine } from '../../../../emulator/durable/engine';
import { managementApi } from '../../../../emulator/durable/managementApi';
import { inputBindingNames, invoke, triggerBindingName } from '../../../../emulator/invoker';
import { fromTypedData } from '../../../../emulator/typedData';
import { gate, startEngine, tempDir, until } from './durableTestKit';

// The real durable-functions client talks to the management API over HTTP, as an app would.

const hold = { current: gate() };
df.app.activity('greet', {
  handler: async (name: string) => {
    await hold.current.wait;
    return `Hello ${name}`;
  },
});
df.app.orchestration('hello', function* (ctx: OrchestrationContext) {
  return (yield ctx.df.callActivity('greet', ctx.df.getInput<string>())) as string;
});
df.app.orchestration('approval', function* (ctx: OrchestrationContext) {
  return (yield ctx.df.waitForExternalEvent('approve')) as unknown;
});

const clientInput = df.input.durableClient();
app.http('starter', {
  methods: ['POST'],
  route: 'start/{name}',
  extraInputs: [clientInput],
  handler: async (request: HttpRequest, context: InvocationContext) => {
    const client = df.getClient(context);
    const id = await client.startNew(request.params.name ?? '', { input: await request.json() });
    return client.createCheckStatusResponse(request, id);
  },
});

describe('management API through the real DurableClient', () => {
  const tmp = tempDir();
  let engine: DurableEngine;
  let server: http.Server;
  let origin: string;
  let client: DurableClient;
  const savedHost = process.env.WEBSITE_HOSTNAME;

  beforeAll(async () => {
    ({ engine } = await startEngine(tmp.dir));
    const api = managementApi(engine);
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const prefix = '/runtime/webhooks/durabletask/';
        void api({
          method: req.method ?? 'GET',
          path: url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '\u0000',
          query: url.searchParams,
          body: Buffer.concat(chunks),
          origin: `http://${req.headers.host ?? 'localhost'}`,
          headers: req.headers,
        }).then((answer) => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    // The emulator sets this so the client keeps the binding's URLs (docs/local-host-contract.md, "Durable replay engine").
    process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
    const context = new InvocationContext({ options: { extraInputs: [clientInput] } });
    context.extraInputs.set(clientInput, durableClientData(origin, engine.hubName));
    client = df.getClient(context);
  });

  afterAll(async () => {
    hold.current.open();
    process.env.WEBSITE_HOSTNAME = savedHost;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await engine.stop();
    tmp.cleanup();
  });

  it('starts from an HTTP function with the durableClient binding and serves a working status URL', async () => {
    hold.current = gate();
    const response = await invoke('starter', [
      {
        name: triggerBindingName('starter'),
        data: {
          http: {
            method: 'POST',
            url: `${origin}/api/start/hello`,
            nullableParams: { name: { value: 'hello' } },
            body: { string: '"Tokyo"' },
          },
        },
      },
      { name: inputBindingNames('starter', 'durableClient')[0]!, data: durableClientInputData(origin, engine.hubName) },
    ]);
    const httpOut = response.returnValue!.http!;
    expect(httpOut.statusCode).toBe('202');
    const payload = JSON.parse(String(fromTypedData(httpOut.body))) as Record<string, string>;
    expect(Object.keys(payload).sort()).toEqual(
      [
        'id',
        'statusQueryGetUri',
        'sendEventPostUri',
        'terminatePostUri',
        'rewindPostUri',
        'purgeHistoryDeleteUri',
        'restartPostUri',
        'suspendPostUri',
        'resumePostUri',
      ].sort(),
    );
    expect(payload.statusQueryGetUri).toBe(
      `${origin}/runtime/webhooks/durabletask/instances/${payload.id}?taskHub=TestHub&connection=Storage`,
    );

    const running = await fetch(payload.statusQueryGetUri!);
    expect(running.status).toBe(202);
    expect(running.headers.get('retry-after')).toBe('5');
    expect(await running.json()).toMatchObject({
      name: 'hello',
      runtimeStatus: expect.stringMatching(/Pending|Running/),
      input: 'Tokyo',
      output: null,
    });
    hold.current.open();
    await until(async () => (await fetch(payload.statusQueryGetUri!)).status === 200, 'status 200');
    const done = (await (await fetch(payload.statusQueryGetUri!)).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello Tokyo' });
    expect(done.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('supports getStatus, raiseEvent, terminate, suspend/resume, paging queries and purge', async () => {
    const a = await client.startNew('approval', { instanceId: 'appr-a' });
    const b = await client.startNew('approval', { instanceId: 'appr-b' });
    await until(
      async () => (await client.getStatus(a)).runtimeStatus === df.OrchestrationRuntimeStatus.Running,
      'appr-a running',
    );
    await client.raiseEvent(a, 'approve', { ok: true });
    await engine.waitForCompletion(a, 5_000);
    expect((await client.getStatus(a)).output).toEqual({ ok: true });
    await client.raiseEvent(a, 'approve', 1); // 410 is accepted silently by the client

    await client.suspend(b, 'pause');
    await until(
      async () => (await client.getStatus(b)).runtimeStatus === df.OrchestrationRuntimeStatus.Suspended,
      'appr-b suspended',
    );
    await client.resume(b, 'continue');
    await client.terminate(b, 'enough');
    await engine.waitForCompletion(b, 5_000);
    expect(await client.getStatus(b)).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
    await expect(client.getStatus('nobody')).rejects.toThrow(/404/);

    const many = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => client.startNew('approval', { instanceId: `page-${n}` })),
    );
    const all = await client.getStatusAll();
    expect(
      all
        .filter((s) => s.instanceId.startsWith('page-'))
        .map((s) => s.instanceId)
        .sort(),
    ).toEqual(many.sort());
    const finished = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Terminated] });
    expect(finished.map((s) => s.instanceId)).toEqual(['appr-b']);

    expect(await client.purgeInstanceHistory(a)).toEqual({ instancesDeleted: 1 });
    expect((await client.purgeInstanceHistory(a)).instancesDeleted).toBe(0);
    expect(
      (await client.purgeInstanceHistoryBy({ createdTimeFrom: new Date(0) })).instancesDeleted,
    ).toBeGreaterThanOrEqual(2);
    await expect(client.getStatus(b)).rejects.toThrow(/404/);
    await expect(client.rewind('page-1', 'why')).rejects.toThrow(
      /only orchestrations in the "Failed" state can be rewound/,
    );
  });
});
