/**
 * The scoring container's entry point (`node dist/scorer/main.js`): reads its settings, serves the
 * Open Inference Protocol on `PORT`, and drains on SIGTERM (Container Apps scale-in).
 */
import { parseScorerConfig } from '../shared/scorerConfig';
import { createScorerAuthenticator } from './scorerAuth';
import { ScorerModels } from './scorerModels';
import { ScorerServer } from './scorerServer';

async function main(): Promise<void> {
  const config = parseScorerConfig(process.env);
  const server = new ScorerServer(config, new ScorerModels(config), createScorerAuthenticator(config));
  const port = await server.listen(config.port, config.host);
  process.stdout.write(`Sibyl scorer listening on port ${port} (execution providers: ${config.executionProviders.join(', ')})\n`);
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
