/**
 * The scoring container's entry point (`node dist/scorer/main.js`): reads its settings, serves the
 * Open Inference Protocol on `PORT`, and drains on SIGTERM (Container Apps scale-in).
 */
import { parseScorerConfig } from '../shared/config';
import { checkDevice } from './deviceCheck';
import { createScorerAuthenticator } from './scorerAuth';
import { ScorerModels } from './scorerModels';
import { ScorerServer } from './scorerServer';

async function main(): Promise<void> {
  const config = parseScorerConfig(process.env);
  const device = await checkDevice(config, process.env.SIBYL_COMPUTE_KIND);
  const server = new ScorerServer(config, new ScorerModels(config), createScorerAuthenticator(config), device);
  const port = await server.listen(config.port, config.host);
  process.stdout.write(`Sibyl scorer listening on port ${port} (execution provider: ${device.executionProvider})\n`);
  if (!device.ready) process.stderr.write(`Not ready: ${device.reason}\n`);
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
