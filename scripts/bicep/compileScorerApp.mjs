#!/usr/bin/env node
/**
 * Compiles infra/scorerApp.bicep into shared/compute/azure/scorerApp.template.json, the ARM template
 * the Function App deploys for each `container`/`gpu` deployment. The JSON is committed, so a build
 * needs no Bicep CLI; `npm run test:infra` fails when it differs from what this script would write.
 */
import bicepCli from './bicepCli.cjs';

const { compileScorerApp, SCORER_APP_TEMPLATE } = bicepCli;
try {
  await compileScorerApp({ write: true, log: (line) => console.log(`[bicep] ${line}`) });
  console.log(`[bicep] wrote ${SCORER_APP_TEMPLATE}`);
} catch (error) {
  console.error(`[bicep] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
