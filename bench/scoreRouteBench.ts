/**
 * `node dist/bench/scoreRouteBench.js [requests]`: Sibyl's own CPU per score request (issue 17: "Sibyl's own
 * work ≤ 50 µs per request"), steady on a busy machine. In one process, without sockets or the host: the
 * `scoreEndpoint` handler as the app registers it and the no-op bench app's handler, each given the
 * library's own `HttpRequest` and its answer turned into an `HttpResponse` and read, as the worker does.
 * The endpoint's snapshot (key auth, one deployment) and its loaded tiny model with its batcher stand in
 * for what Cosmos and the first request would bring, so the difference is the score route's own work:
 * auth, traffic, body read, decode, batching, ONNX Runtime, encode, metrics and the log line's making.
 * Requests go in waves of 32 at once so that the batcher batches, as under the bench's load.
 */
import { app, HttpRequest, HttpResponse, InvocationContext, type HttpHandler } from '@azure/functions';
import * as endpointStore from '../shared/endpoints/endpointStore';
import * as deploymentRuntime from '../shared/endpoints/deploymentRuntime';
import type { DeploymentDoc, EndpointDoc, EndpointSnapshot } from '../shared/endpoints/endpointDocuments';
import { generateEndpointKeys } from '../shared/endpoints/auth/endpointKeys';
import { DynamicBatcher } from '../shared/scoring/batching/dynamicBatcher';
import { ModelSession } from '../shared/scoring/modelSession';
import { MLP_SIZES, mlpModel } from '../scripts/onnx/mlpModel';
import type { Environment } from '../shared/registry/environments';

const WAVE = 32;
const ROUNDS = 5;
const KEK = 'k'.repeat(44);

/** The handlers the app registers, by function name (the app is loaded after this is in place). */
const handlers = new Map<string, HttpHandler>();

function snapshotOf(keys: EndpointDoc['keys']): EndpointSnapshot {
  const now = new Date().toISOString();
  const endpoint: EndpointDoc = {
    id: 'endpoint',
    type: 'endpoint',
    endpoint: 'tiny',
    authMode: 'key',
    description: '',
    traffic: { blue: 100 },
    mirrorTraffic: {},
    keys,
    createdAt: now,
    updatedAt: now,
  };
  const deployment = {
    type: 'deployment',
    endpoint: 'tiny',
    name: 'blue',
    model: 'tiny@1',
    modelName: 'tiny',
    modelVersion: 1,
    environment: 'ort-cpu@1',
    batching: { maxBatchSize: 64, maxQueueDelayMs: 0 },
    requestTimeoutMs: 5000,
    provisioningState: 'Succeeded',
  } as unknown as DeploymentDoc;
  return { endpoint, deployments: [deployment] };
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2]) || 20_000;
  Object.assign(process.env, {
    AzureWebJobsStorage: process.env.AzureWebJobsStorage ?? 'UseDevelopmentStorage=true',
    COSMOS_ENDPOINT: process.env.COSMOS_ENDPOINT ?? 'https://127.0.0.1:8081',
    SIBYL_KEY_ENCRYPTION_KEY: KEK,
  });
  Object.assign(app, {
    http: (name: string, options: { handler: HttpHandler }) => handlers.set(name, options.handler),
  });
  await import('../functions/scoring');
  const { keys, stored } = generateEndpointKeys('tiny', KEK);
  const snapshot = snapshotOf(stored);
  const doc = snapshot.deployments[0]!;
  // As the Function App loads a deployment (deploymentRuntime's `load`), less the storage reads.
  const session = await ModelSession.load(mlpModel({ ...MLP_SIZES.tiny, seed: 7 }), { allowSpinning: false });
  await session.warm();
  const batcher = new DynamicBatcher({ maxBatchSize: 64, maxQueueDelayMs: 0, run: (feeds) => session.run(feeds) });
  const environment = { name: 'ort-cpu', version: 1 } as Environment;
  const loaded = new deploymentRuntime.LoadedDeployment(doc, environment, session, batcher, 1000);
  Object.assign(endpointStore, { cachedSnapshot: () => snapshot });
  Object.assign(deploymentRuntime, { currentDeployment: () => loaded });

  const row = Array.from({ length: MLP_SIZES.tiny.inputs }, (_, i) => ((i * 7) % 23) / 8 - 1.25);
  const body = Buffer.from(JSON.stringify({ data: [row] }));
  const headers = {
    authorization: `Bearer ${keys.primaryKey}`,
    'content-type': 'application/json',
    'content-length': String(body.length),
  };
  const sibyl = handlers.get('scoreEndpoint')!;
  const noop: HttpHandler = () => Promise.resolve({ jsonBody: { ok: true } });

  async function one(handler: HttpHandler): Promise<number> {
    const request = new HttpRequest({
      method: 'POST',
      url: 'http://127.0.0.1:7071/api/endpoints/tiny/score',
      body: { bytes: body },
      headers,
      params: { name: 'tiny' },
    });
    const context = new InvocationContext({ functionName: 'f', invocationId: 'i', logHandler: () => undefined });
    const answer = await handler(request, context);
    const response = answer instanceof HttpResponse ? answer : new HttpResponse(answer);
    for (const header of response.headers.entries()) void header;
    await response.arrayBuffer();
    return response.status;
  }

  /** CPU µs per request of `n` requests (this process's user + system time: all threads, ONNX Runtime's too). */
  async function measure(handler: HttpHandler, n: number): Promise<number> {
    const started = process.cpuUsage();
    for (let i = 0; i < n; i += WAVE) await Promise.all(Array.from({ length: WAVE }, () => one(handler)));
    const spent = process.cpuUsage(started);
    return (spent.user + spent.system) / n;
  }

  if ((await one(sibyl)) !== 200) throw new Error('The score handler did not answer 200.');
  await measure(sibyl, 3000);
  await measure(noop, 3000);
  const score: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    score.push(await measure(sibyl, requests / ROUNDS));
    floor.push(await measure(noop, requests / ROUNDS));
  }
  const least = (values: number[]) => Math.min(...values);
  const show = (values: number[]) => values.map((v) => v.toFixed(0)).join(' / ');
  console.log(`score handler  ${show(score)} µs CPU per request (least ${least(score).toFixed(1)})`);
  console.log(`no-op handler  ${show(floor)} µs CPU per request (least ${least(floor).toFixed(1)})`);
  console.log(`Sibyl's own work per score request: ${(least(score) - least(floor)).toFixed(1)} µs (target ≤ 50)`);
  await session.release();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
