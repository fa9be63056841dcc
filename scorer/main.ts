/**
 * The scoring container's entry point (`node dist/scorer/main.js`): reads its settings, serves the
 * Open Inference Protocol on `PORT` (as `workerPlan.ts` plans it), and drains on
 * SIGTERM (Container Apps scale-in).
 */
import cluster from 'node:cluster';
import { MODEL_CANNOT_RUN_EXIT_CODE } from '../shared/compute/computeTypes';
import { SibylError } from '../shared/errors';
import { parseScorerConfig, scorerEnvironment, type ScorerConfig } from '../shared/scorerConfig';

type ReplicaModel = NonNullable<ScorerConfig['model']>;
import { ModelRunError } from '../shared/scoring/modelSession';
import { checkDevice } from './deviceCheck';
import { listeningLine, reportListening, superviseWorkers } from './httpWorkers';
import { measuresModel, planHttpWorkers } from './workerPlan';
import { createScorerAuthenticator } from './scorerAuth';
import { ScorerModels, type ScorerModel } from './scorerModels';
import { ScorerServer } from './scorerServer';
import { runUserCode } from './userCode/runUserCode';

/** Under the local compute provider: a title for `ps`/`top`, and an exit when the host's pipe closes. */
function playLocalReplica({ title, exitWithParent }: ScorerConfig['localReplica']): void {
  if (title) process.title = title;
  // A worker's stdin is not the host's pipe: its primary watches that.
  if (!exitWithParent || cluster.isWorker) return;
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

/**
 * Loads and warms the replica's model before it listens, so that listening means ready. A model that
 * cannot run here (a file that changed in storage, a model ONNX Runtime refuses; not the replica's
 * fault) exits with a code of its own, which the compute does not retry.
 */
async function loadReplicaModel(models: ScorerModels, { name, version }: ReplicaModel): Promise<ScorerModel> {
  try {
    return await models.get(name, version);
  } catch (error) {
    const modelsFault = error instanceof ModelRunError || (error instanceof SibylError && error.status < 500);
    if (!modelsFault) throw error;
    process.stderr.write(`Model ${name}:${version} cannot be served: ${(error as Error).message}\n`);
    process.exit(MODEL_CANNOT_RUN_EXIT_CODE);
  }
}

/**
 * The replica's models, its model loaded and warmed. Where the plan depends on the model's cost, the
 * primary measures it in a thread of its own, where a costly model stays (its runs must not stall the
 * thread that parses requests); a cheap one is loaded again on this thread, or by each HTTP worker when
 * there are several (then this process only supervises them, and has no models).
 */
async function prepareModels(config: ScorerConfig): Promise<{ models?: ScorerModels; threaded: boolean }> {
  const measuring = cluster.isPrimary && measuresModel(config);
  const models = new ScorerModels(config, measuring);
  const model = config.model && (await loadReplicaModel(models, config.model));
  if (!cluster.isPrimary) return { models, threaded: false };
  const plan = await planHttpWorkers(config, model);
  if (plan.workers > 1) {
    // Each worker loads the model again, from the local folder this load left.
    await models.close();
    superviseWorkers(config, plan.workers, plan.cpus);
    return { threaded: false };
  }
  if (!measuring || plan.costly) return { models, threaded: measuring };
  // A cheap model runs on this thread: a message each way would cost more than its run.
  await models.close();
  const local = new ScorerModels(config);
  await loadReplicaModel(local, config.model!);
  return { models: local, threaded: false };
}

async function main(): Promise<void> {
  const config = parseScorerConfig(scorerEnvironment());
  playLocalReplica(config.localReplica);
  // A replica of user code (environments issue) serves through its own routes.
  if (config.userCode.runtime) return runUserCode(config);
  const { models, threaded } = await prepareModels(config);
  // No models: this process only supervises the HTTP workers.
  if (!models) return;
  const device = await checkDevice(config, config.computeKind);
  const server = new ScorerServer(config, models, createScorerAuthenticator(config), device);
  const port = await server.listen(config.port, config.host);
  const { executionProvider } = device;
  if (cluster.isWorker)
    reportListening({ port, executionProvider, ...(device.ready ? {} : { notReady: device.reason }) });
  else {
    process.stdout.write(listeningLine(port, executionProvider, 1, threaded));
    if (!device.ready) process.stderr.write(`Not ready: ${device.reason}\n`);
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`The scorer could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
