/**
 * The servers of the load cases, each a child process, started in this order: (d) the fixed-JSON server,
 * (b) the no-op app on the local host, (g) the library's floor, Sibyl on the local host with each model
 * deployed for (a) and, collecting every request, for (f), and (e) one scorer per model. Also the load
 * each one is sent (the plain server (c) is started by loadRounds.ts for each of its measurements).
 */
import * as path from 'node:path';
import { startAzuriteChild } from './azuriteChild';
import { say, type BenchContext, type RunningChildren } from './benchContext';
import type { ModelSize } from './benchModels';
import type { ChildHandle } from './childProcess';
import { startChildServer, type ChildServer } from './childServer';
import { batchTotals, deployModel, type DeployedModel } from './deployModel';
import { REPO_ROOT, startEmulator, type EmulatorHost } from './emulatorHost';
import type { LoadSpec } from './measureLoad';
import { startScorer, type ScorerHost } from './scorerHost';

const NOOP_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'benchApp');

export interface LoadServers {
  fixed?: ChildServer;
  noopHost?: EmulatorHost;
  floor?: ChildServer;
  /** Sibyl's app on the local host: for (a), (f), the binary and the overload cases. */
  sibylHost?: EmulatorHost;
  /** Per model, Sibyl's deployment for (a). */
  deployed: Map<ModelSize, DeployedModel>;
  /** Per model, the deployment for (f), collecting every request. */
  collecting: Map<ModelSize, DeployedModel>;
  scorers: Map<ModelSize, ScorerHost>;
}

/** Starts what the wanted cases need; each process joins `running` as soon as it serves. */
export async function startLoadServers(ctx: BenchContext, running: RunningChildren): Promise<LoadServers> {
  const { want, workDir, hostFlags } = ctx;
  const track = <T extends ChildHandle>(child: T | undefined): T | undefined => {
    if (child) running.children.push(child);
    return child;
  };
  const fixed = track(want('fixed') ? await startChildServer('fixedJsonServer', [], workDir) : undefined);
  const noopHost = track(
    want('noop') ? await startEmulator({ appDir: NOOP_APP, workDir, label: 'noop', nodeFlags: hostFlags }) : undefined,
  );
  const floor = track(
    want('floor') ? await startChildServer('libraryFloorServer', [NOOP_APP], workDir, hostFlags) : undefined,
  );
  const servers: LoadServers = {
    fixed,
    noopHost,
    floor,
    deployed: new Map(),
    collecting: new Map(),
    scorers: new Map(),
  };
  if (want('sibyl') || want('collect') || want('binary') || want('overload')) await startSibyl(ctx, running, servers);
  if (want('scorer')) {
    say('Starting the scorer container on CPU, one per model…');
    running.azurite ??= await startAzuriteChild();
    for (const size of ctx.options.models) {
      const scorer = await startScorer(running.azurite, ctx.models.get(size)!, {
        workDir,
        maxQueueDelayMs: ctx.options.queueDelayMs,
        nodeFlags: hostFlags,
      });
      servers.scorers.set(size, scorer);
      running.children.push(scorer);
    }
  }
  return servers;
}

async function startSibyl(ctx: BenchContext, running: RunningChildren, servers: LoadServers): Promise<void> {
  const { want, models, batching } = ctx;
  say('Starting Sibyl on the local host and deploying the models…');
  // With collection measured, storage runs in a process of its own, as the storage service does in Azure.
  if (want('collect')) running.azurite = await startAzuriteChild();
  const storage = running.azurite ? { AzureWebJobsStorage: running.azurite.connectionString } : undefined;
  const sibyl = await startEmulator({
    appDir: REPO_ROOT,
    workDir: ctx.workDir,
    label: 'sibyl',
    nodeFlags: ctx.hostFlags,
    ...(storage ? { env: storage } : {}),
  });
  servers.sibylHost = sibyl;
  running.children.push(sibyl);
  for (const size of want('sibyl') || want('collect') ? ctx.options.models : []) {
    servers.deployed.set(size, await deployModel(sibyl, `bench-${size}`, models.get(size)!.bytes, batching));
    if (want('collect'))
      servers.collecting.set(
        size,
        await deployModel(sibyl, `bench-${size}-col`, models.get(size)!.bytes, batching, {
          dataCollection: { enabled: true, samplingRate: 1 },
        }),
      );
  }
}

/** The load of every case: `--connections`, `--warmup` and `--duration`, the server's CPU read by its pid. */
export function loadSpec(
  ctx: BenchContext,
  server: ChildHandle,
  url: string,
  body: string,
  headers?: Record<string, string>,
): LoadSpec {
  const { connections, warmupSeconds, durationSeconds } = ctx.options;
  return { serverPid: server.child.pid, url, body, headers, connections, warmupSeconds, durationSeconds };
}

/** (e): the model's OIP request to its scorer. */
export function scorerSpec(ctx: BenchContext, servers: LoadServers, size: ModelSize): LoadSpec {
  const scorer = servers.scorers.get(size)!;
  return loadSpec(ctx, scorer, scorer.inferUrl, ctx.models.get(size)!.oipBody, {
    authorization: `Bearer ${scorer.key}`,
  });
}

/** (a), or (f) with `collect`: the model's request to its deployment, with the mean batch size measured. */
export function sibylSpec(ctx: BenchContext, servers: LoadServers, size: ModelSize, collect = false): LoadSpec {
  const d = (collect ? servers.collecting : servers.deployed).get(size)!;
  let start = { requests: 0, batches: 0 };
  return {
    ...loadSpec(ctx, d.host, d.scoreUrl, ctx.models.get(size)!.body, { authorization: `Bearer ${d.primaryKey}` }),
    around: {
      before: async () => {
        start = await batchTotals(d);
      },
      after: async (result) => {
        const end = await batchTotals(d);
        const batches = end.batches - start.batches;
        return batches > 0 ? { ...result, meanBatchSize: (end.requests - start.requests) / batches } : result;
      },
    },
  };
}
