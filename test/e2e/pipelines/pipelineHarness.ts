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
  constructor(readonly host: HostProcess) {}

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

  /** Polls a run until it ends; fails with the host output on timeout. */
  async waitForRun(id: string, timeoutMs = 60_000): Promise<RunView> {
    try {
      return await pollUntil(
        async () => {
          const run = await this.run(id);
          return ENDED.includes(run.status) ? run : undefined;
        },
        `run ${id} to end`,
        timeoutMs,
        100,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- host output (tail) ---\n${this.host.output().slice(-6000)}`);
    }
  }

  schedule(name: string): Promise<ScheduleView> {
    return this.expect<ScheduleView>(200, 'GET', `api/schedules/${name}`);
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

/** A `copy` or `move` step between two paths of one datastore (paths may hold `${...}` expressions). */
export function transferStep(name: string, kind: 'copy' | 'move', datastore: string, from: string, to: string) {
  return { name, kind, from: { datastore, path: from }, to: { datastore, path: to } };
}
