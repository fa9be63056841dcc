/**
 * The overload case (issue 17): goodput of one `functions` deployment (default settings, so at most
 * 128 requests queued or scoring; past that, 429 with Retry-After) under 256 connections, against
 * its capacity measured at 16 connections in the same run. Goodput counts 2xx answers only: 429s
 * are the deployment protecting itself and are expected; errors and timeouts are neither.
 */
import type { BenchModel } from './benchModels';
import { deployModel, type DeploymentBatching } from './deployModel';
import type { EmulatorHost } from './emulatorHost';
import { checkOnce, measureLoad, type LoadResult } from './measureLoad';

export const CAPACITY_CONNECTIONS = 16;
export const OVERLOAD_CONNECTIONS = 256;

export interface OverloadBenchResult {
  model: string;
  capacity: LoadResult;
  overload: LoadResult;
  /** 2xx/s under 256 connections divided by 2xx/s under 16. */
  goodputRatio: number;
}

export async function runOverloadBench(
  host: EmulatorHost,
  model: BenchModel,
  load: { warmupSeconds: number; durationSeconds: number },
  batching: DeploymentBatching,
): Promise<OverloadBenchResult> {
  const deployed = await deployModel(host, 'bench-overload', model.bytes, batching);
  const spec = (connections: number) => ({
    serverPid: host.child.pid,
    url: deployed.scoreUrl,
    body: model.body,
    headers: { authorization: `Bearer ${deployed.primaryKey}` },
    connections,
    ...load,
  });
  await checkOnce(spec(1));
  const capacity = await measureLoad(spec(CAPACITY_CONNECTIONS));
  const overload = await measureLoad(spec(OVERLOAD_CONNECTIONS));
  return {
    model: model.shape,
    capacity,
    overload,
    goodputRatio: capacity.requestsPerSecond > 0 ? overload.requestsPerSecond / capacity.requestsPerSecond : 0,
  };
}

export function renderOverloadBench(r: OverloadBenchResult): string[] {
  const line = (label: string, x: LoadResult) =>
    `  ${label}: ${Math.round(x.requestsPerSecond)} 2xx/s, p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms, ` +
    `${x.non2xx} non-2xx, ${x.errors} errors or timeouts`;
  return [
    `Goodput under overload (a functions deployment of ${r.model}, default settings):`,
    line(`capacity, ${CAPACITY_CONNECTIONS} connections`, r.capacity),
    line(`overload, ${OVERLOAD_CONNECTIONS} connections`, r.overload),
    `  goodput / capacity = ${r.goodputRatio.toPrecision(3)}` +
      (r.overload.errors ? ` (${r.overload.errors} errors: not goodput)` : ''),
  ];
}
