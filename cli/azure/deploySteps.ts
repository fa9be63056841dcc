/**
 * What `sibyl azure deploy` does, as data: README "Deploy to Azure" step by step, each step a list of
 * commands with the check of its result, the retries that role propagation needs and, for waits, the
 * condition polled. `--plan` prints this; the runner (azureDeployRunner.ts) executes it.
 */
import { appReadyStep, blobEventsStep, publishStep, scorerImageStep } from './appSteps';
import type { DeployOptions, DeployStep } from './deployStepTypes';
import { functionAppStep, hostKeyAndImageStep, identitiesStep, resourceGroupStep, secretsStep } from './infraSteps';
import { regionCheckStep } from './regionCheckStep';

export function deploySteps(options: DeployOptions): DeployStep[] {
  return [
    regionCheckStep(options),
    resourceGroupStep(options),
    secretsStep(),
    identitiesStep(options),
    functionAppStep(options),
    scorerImageStep(options),
    publishStep(options),
    appReadyStep(options),
    hostKeyAndImageStep(options),
    blobEventsStep(options),
  ];
}
