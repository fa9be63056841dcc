/**
 * The replicas case: one `container` deployment of the heavy model on 1, 2 and 4 replicas of the
 * local compute provider (min = max, so the count is fixed while it is measured), under the same
 * load as the other cases: throughput as replicas are added. On a machine with few cores the
 * replicas share them, so the curve flattens once the cores are busy.
 */
import type { BenchModel } from './benchModels';
import type { DeploymentBatching } from './deployModel';
import { REPO_ROOT, startEmulator } from './emulatorHost';
import { hostCallOk } from './hostCall';
import { checkOnce, measureLoad, type LoadResult } from './measureLoad';

export const REPLICA_COUNTS = [1, 2, 4] as const;

export interface ReplicaBenchResult {
  model: string;
  points: { replicas: number; result: LoadResult }[];
}

export interface ReplicaBenchOptions {
  workDir: string;
  model: BenchModel;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  batching: DeploymentBatching;
}

export async function runReplicaBench(
  options: ReplicaBenchOptions,
  say: (line: string) => void,
): Promise<ReplicaBenchResult> {
  const host = await startEmulator({ appDir: REPO_ROOT, workDir: options.workDir, label: 'replicas' });
  const call = (method: string, route: string, body?: Uint8Array | object) => hostCallOk(host, method, route, body);
  try {
    const name = 'bench-replicas';
    const { version } = (await call('POST', `api/models/${name}/versions`, options.model.bytes)) as { version: number };
    await call('PUT', 'api/environments/bench-container', {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      compute: { kind: 'container' },
    });
    await call('PUT', `api/endpoints/${name}`, { authMode: 'key' });
    const { primaryKey } = (await call('GET', `api/endpoints/${name}/keys`)) as { primaryKey: string };
    const points: ReplicaBenchResult['points'] = [];
    for (const replicas of REPLICA_COUNTS) {
      await call('PUT', `api/endpoints/${name}/deployments/blue`, {
        model: `${name}:${version}`,
        environment: 'bench-container@1',
        batching: options.batching,
        instance: {
          minInstances: replicas,
          maxInstances: replicas,
          maxConcurrentRequestsPerInstance: options.connections,
        },
      });
      const spec = {
        url: `${host.baseUrl}/api/endpoints/${name}/score`,
        body: options.model.body,
        headers: { authorization: `Bearer ${primaryKey}` },
        connections: options.connections,
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
      };
      await checkOnce(spec);
      const result = await measureLoad(spec);
      say(
        `  heavy on ${replicas} replica(s): ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
      );
      points.push({ replicas, result });
    }
    return { model: `${options.model.size} (${options.model.shape})`, points };
  } finally {
    await host.stop();
  }
}

/** A small table: replicas, req/s, p50, p99, and throughput relative to one replica. */
export function renderReplicaBench(r: ReplicaBenchResult): string[] {
  const base = r.points[0]?.result.requestsPerSecond ?? 0;
  return [
    `container deployment, ${r.model}, on N replicas of the local compute provider:`,
    'replicas  req/s  p50 ms  p99 ms  vs 1 replica  failed',
    ...r.points.map(({ replicas, result }) =>
      [
        String(replicas).padStart(8),
        String(Math.round(result.requestsPerSecond)).padStart(6),
        result.p50Ms.toFixed(1).padStart(7),
        result.p99Ms.toFixed(1).padStart(7),
        (base > 0 ? result.requestsPerSecond / base : 0).toFixed(2).padStart(13),
        String(result.non2xx + result.errors).padStart(7),
      ].join(' '),
    ),
  ];
}
