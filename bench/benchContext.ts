/**
 * What every case group of `npm run bench` shares (run.ts builds it once): the options, the scratch
 * folder, the models, the batching of Sibyl's deployments, and the processes still running, so that
 * an interrupt or the end of the load cases stops them all.
 */
import type { AzuriteChild } from './azuriteChild';
import type { BenchModel, ModelSize } from './benchModels';
import type { BenchOptions } from './benchOptions';
import type { CaseId } from './benchCases';
import type { ChildHandle } from './childProcess';
import type { DeploymentBatching } from './deployModel';

export interface BenchContext {
  options: BenchOptions;
  /** Sibyl's deployments and the scorer batch as one: up to 64 rows, `--queue-delay-ms`. */
  batching: DeploymentBatching;
  workDir: string;
  /** `--cpu-prof`'s node flags for the hosts, or none. */
  hostFlags: string[];
  /** The `--models` sizes and the small-body model's, each written into the scratch folder. */
  models: Map<ModelSize, BenchModel>;
  want: (caseId: CaseId) => boolean;
}

/** The processes the load cases start: the servers, and the Azurite some of them share (stopped after them). */
export interface RunningChildren {
  children: ChildHandle[];
  azurite?: AzuriteChild;
}

export async function stopChildren(running: RunningChildren): Promise<void> {
  await Promise.all(running.children.splice(0).map((c) => c.stop()));
  running.azurite?.stop();
}

export const say = (line: string) => process.stdout.write(`${line}\n`);
