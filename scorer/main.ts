/**
 * The scoring container's entry point (`node dist/scorer/main.js`): reads its settings, serves the
 * Open Inference Protocol on `PORT` (from one HTTP worker per CPU, `httpWorkers.ts`), and drains on
 * SIGTERM (Container Apps scale-in).
 */
import cluster from 'node:cluster';
import { MODEL_CANNOT_RUN_EXIT_CODE } from '../shared/compute/computeTypes';
import { SibylError } from '../shared/errors';
import { parseScorerConfig, scorerEnvironment, type ScorerConfig } from '../shared/scorerConfig';
import { ModelRunError } from '../shared/scoring/modelSession';
import { checkDevice } from './deviceCheck';
import { cpuBudget, memoryBudget } from './replicaResources';
import { httpWorkerCount, listeningLine, modelCpuPerRow, reportListening, superviseWorkers } from './httpWorkers';
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

async function main(): Promise<void> {
  const config = parseScorerConfig(scorerEnvironment());
  playLocalReplica(config.localReplica);
  // A replica of user code (environments issue) serves through its own routes.
  if (config.userCode.runtime) return runUserCode(config);
  const models = new ScorerModels(config);
  // Load and warm the replica's model before listening: listening then means ready.
  let model: ScorerModel | undefined;
  if (config.model) {
    try {
      model = await models.get(config.model.name, config.model.version);
    } catch (error) {
      // The model itself cannot run here (not the replica): a file that changed in storage, a model
      // ONNX Runtime refuses. A distinct exit code says so to the compute, which does not retry it.
      const modelsFault = error instanceof ModelRunError || (error instanceof SibylError && error.status < 500);
      if (!modelsFault) throw error;
      process.stderr.write(`Model ${config.model.name}:${config.model.version} cannot be served: ${error.message}\n`);
      process.exit(MODEL_CANNOT_RUN_EXIT_CODE);
    }
  }
  if (cluster.isPrimary) {
    const cpus = cpuBudget(config.cpus);
    const cpuPerRow =
      model && config.workers === undefined ? await modelCpuPerRow(model.session, config.maxBatchSize) : undefined;
    const plan = { cpus, cpuPerRow, modelBytes: model?.sizeBytes ?? 0, memoryBytes: memoryBudget() };
    const workers = httpWorkerCount(config, plan);
    if (workers > 1) {
      // Each worker loads the model again, from the local folder this load left.
      await models.close();
      return superviseWorkers(config, workers, cpus);
    }
  }
  const device = await checkDevice(config, config.computeKind);
  const server = new ScorerServer(config, models, createScorerAuthenticator(config), device);
  const port = await server.listen(config.port, config.host);
  const { executionProvider } = device;
  if (cluster.isWorker)
    reportListening({ port, executionProvider, ...(device.ready ? {} : { notReady: device.reason }) });
  else {
    process.stdout.write(listeningLine(port, executionProvider, 1));
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
