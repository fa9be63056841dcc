/**
 * Helpers for pipeline and schedule e2e tests: emulator hosts over the repo's app (run
 * `npx tsc -p tsconfig.json` first) that share the test run's Azurite and Cosmos server but get their own
 * Cosmos database and their own watched Blob container, so other test files' hosts (whose timers and
 * blob triggers also run) never see these schedules or blobs.
 */
import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, type HostProcess, type SlowMiniBatches } from '../../support/hostProcess';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RunView {
  id: string;
  kind: string;
  status: string;
  experiment?: string;
  parameters: Record<string, unknown>;
  metrics: Record<string, number>;
  parentRunId?: string;
  children: string[];
  outputs: Record<string, Record<string, unknown>>;
  pipeline?: string;
  schedule?: string;
  error?: { code: string; message: string };
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
}

export interface FiringView {
  fireTime: string;
  runId: string;
  status: string;
  late?: boolean;
  path?: string;
}

export interface ScheduleView {
  name: string;
  enabled: boolean;
  history: FiringView[];
  nextFireTime?: string;
  trigger: Record<string, unknown>;
}

export const ENDED = ['Completed', 'Failed', 'Canceled'];

/** Names unique to one test file (Cosmos database, Blob container, datastore). */
export function isolation(label: string): { database: string; container: string; datastore: string } {
  const id = randomBytes(3).toString('hex');
  return {
    database: `pipelines-${label}-${id}`,
    container: `pl-${label}-${id}`.toLowerCase(),
    datastore: `landing_${id}`,
  };
}

export function blobContainer(name: string): ContainerClient {
  const connection = process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING;
  if (!connection)
    throw new Error('SIBYL_TEST_STORAGE_CONNECTION_STRING is not set (run under the Jest global setup).');
  return BlobServiceClient.fromConnectionString(connection).getContainerClient(name);
}

export async function readBlob(container: ContainerClient, name: string): Promise<string | undefined> {
  const blob = container.getBlobClient(name);
  return (await blob.exists()) ? (await blob.downloadToBuffer()).toString('utf8') : undefined;
}

export class PipelineClient {
  #host: HostProcess | undefined;

  /** Without a host the client is `pipelineSuite`'s, which attaches one in its beforeAll. */
  constructor(host?: HostProcess) {
    this.#host = host;
  }

  get host(): HostProcess {
    if (!this.#host) throw new Error('The pipeline host has not started (did beforeAll fail?).');
    return this.#host;
  }

  attach(host: HostProcess): void {
    this.#host = host;
  }

  async stop(): Promise<void> {
    await this.#host?.stop();
  }

  async call<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<Answer<T>> {
    const res = await fetch(`${this.host.baseUrl}/${route}`, {
      method,
      headers: {
        'x-functions-key': this.host.functionKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }

  /** Calls and expects `status`, failing with the answer (and the host's output) otherwise. */
  async expect<T = Record<string, unknown>>(status: number, method: string, route: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(method, route, body);
    if (answer.status !== status)
      throw new Error(
        `${method} ${route}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}` +
          `\n--- host output (tail) ---\n${this.host.output().slice(-4000)}`,
      );
    return answer.body;
  }

  run(id: string): Promise<RunView> {
    return this.expect<RunView>(200, 'GET', `api/runs/${encodeURIComponent(id)}`);
  }

  /** The runs of a two-step pipeline run's steps, in order. */
  async twoSteps(run: RunView): Promise<[RunView, RunView]> {
    expect(run.children).toHaveLength(2);
    return [await this.run(run.children[0]!), await this.run(run.children[1]!)];
  }

  /** `pollUntil` that fails with the host's output on timeout. */
  async poll<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, intervalMs: number): Promise<T> {
    try {
      return await pollUntil(probe, what, timeoutMs, intervalMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- host output (tail) ---\n${this.host.output().slice(-6000)}`);
    }
  }

  /** Polls a run until it ends. */
  waitForRun(id: string, timeoutMs = 60_000): Promise<RunView> {
    return this.poll(
      async () => {
        const run = await this.run(id);
        return ENDED.includes(run.status) ? run : undefined;
      },
      `run ${id} to end`,
      timeoutMs,
      100,
    );
  }

  schedule(name: string): Promise<ScheduleView> {
    return this.expect<ScheduleView>(200, 'GET', `api/schedules/${name}`);
  }

  /** Polls a schedule until it has at least `atLeast` fires (for blob `path` if given); answers those fires. */
  waitForFires(name: string, atLeast: number, path?: string, timeoutMs = 30_000): Promise<FiringView[]> {
    return this.poll(
      async () => {
        const fires = (await this.schedule(name)).history.filter((h) => path === undefined || h.path === path);
        return fires.length >= atLeast ? fires : undefined;
      },
      `${atLeast} fire(s) of '${name}'${path === undefined ? '' : ` for ${path}`}`,
      timeoutMs,
      200,
    );
  }

  /** Registers an ONNX file as the next version of model `name`. */
  async registerModel(name: string, bytes: Uint8Array): Promise<number> {
    const res = await fetch(`${this.host.baseUrl}/api/models/${name}/versions`, {
      method: 'POST',
      headers: { 'x-functions-key': this.host.functionKey, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const body = (await res.json()) as { version: number };
    if (res.status !== 201) throw new Error(`registering ${name}: ${res.status} ${JSON.stringify(body)}`);
    return body.version;
  }

  /** Saves and publishes a pipeline; returns its version. */
  async publish(name: string, definition: Record<string, unknown>): Promise<number> {
    await this.call('PUT', `api/pipelines/${name}`, definition);
    return (await this.expect<{ version: number }>(201, 'POST', `api/pipelines/${name}/publish`)).version;
  }
}

/** A host with its own database and watched container; `env` adds settings (e.g. the scheduler's cron). */
export async function startPipelineHost(
  names: { database: string; container: string },
  env: Record<string, string> = {},
  reuse?: HostProcess,
  slowMiniBatches?: SlowMiniBatches,
): Promise<PipelineClient> {
  const host = await startHost({
    appDir: REPO_ROOT,
    env: { COSMOS_DATABASE: names.database, SIBYL_SCHEDULER_CONTAINER: names.container, ...env },
    ...(slowMiniBatches ? { slowMiniBatches } : {}),
    ...(reuse ? { dataDir: reuse.dataDir, functionKey: reuse.functionKey, masterKey: reuse.masterKey } : {}),
  });
  return new PipelineClient(host);
}

export interface SuiteOptions {
  /** The prefix the file's datastore covers in its container. */
  prefix?: string;
  slowMiniBatches?: SlowMiniBatches;
}

/**
 * One host for a test file: started before its tests (with datastore `ds` over the file's own container),
 * stopped after them. The file's own beforeAll, registered after this call, runs once the host is up.
 */
export function pipelineSuite(
  label: string,
  options: SuiteOptions = {},
): { names: ReturnType<typeof isolation>; ds: string; lake: ContainerClient; client: PipelineClient } {
  const names = isolation(label);
  const client = new PipelineClient();
  beforeAll(async () => {
    client.attach((await startPipelineHost(names, {}, undefined, options.slowMiniBatches)).host);
    const datastore = { container: names.container, ...(options.prefix ? { prefix: options.prefix } : {}) };
    await client.expect(201, 'PUT', `api/datastores/${names.datastore}`, datastore);
  }, 120_000);
  afterAll(() => client.stop());
  return { names, ds: names.datastore, lake: blobContainer(names.container), client };
}

/** A `copy` or `move` step between two paths of one datastore (paths may hold `${...}` expressions). */
export function transferStep(name: string, kind: 'copy' | 'move', datastore: string, from: string, to: string) {
  return { name, kind, from: { datastore, path: from }, to: { datastore, path: to } };
}

/** A `batch-score` step of `source` (`model` or `deployment`) from CSV at `input` to `output` of one datastore. */
export function batchScoreStep(
  name: string,
  datastore: string,
  source: { model: string } | { deployment: string },
  input: string,
  output: string,
  settings: Record<string, unknown> = {},
) {
  const job = { ...source, input: { datastore, path: input, format: 'csv' }, output: { datastore, path: output } };
  return { name, kind: 'batch-score', job: { ...job, ...settings } };
}

/** Scores the CSV at parameter `inputPath` into `scored/<run id>/`, then moves it to `archive/`. */
export function scoreThenArchive(datastore: string, model: string, settings: Record<string, unknown> = {}) {
  return {
    parameters: { inputPath: 'incoming/none.csv' },
    steps: [
      batchScoreStep('score', datastore, { model }, '${parameters.inputPath}', 'scored/${run.id}/', settings),
      transferStep('archive', 'move', datastore, '${parameters.inputPath}', 'archive/'),
    ],
  };
}
