/**
 * The deploy steps that put Sibyl's code in place and wait for it: the scorer image built in the
 * registry, sibyl.zip published to the Function App, the waits for its Key Vault references and
 * functions, and the scheduler's Event Grid subscription.
 */
import type { DeployOptions, DeployStep } from './deployStepTypes';
import { PROPAGATION_RETRY } from './propagationRetry';

/** How long, and how often, the waits for the Function App poll. */
const APP_READY_POLL = { timeoutMs: 15 * 60_000, intervalMs: 20_000 };

export function scorerImageStep(options: DeployOptions): DeployStep {
  return {
    title: 'Build the scorer image in the registry',
    commands: [
      {
        program: 'az',
        args: [
          'acr',
          'build',
          '-r',
          { output: 'registryName' },
          '-t',
          `sibyl-scorer:${options.imageTag}`,
          '-f',
          'scorer/Dockerfile',
          '.',
          '-o',
          'none',
        ],
        retry: PROPAGATION_RETRY,
      },
    ],
  };
}

export function publishStep(options: DeployOptions): DeployStep {
  return {
    title: 'Publish sibyl.zip',
    commands: [
      { program: 'npm', args: ['run', 'package'] },
      {
        program: 'az',
        args: [
          'functionapp',
          'deployment',
          'source',
          'config-zip',
          '-g',
          options.resourceGroup,
          '-n',
          { output: 'functionAppName' },
          '--src',
          'sibyl.zip',
          '-o',
          'none',
        ],
        retry: PROPAGATION_RETRY,
      },
    ],
  };
}

export function appReadyStep(options: DeployOptions): DeployStep {
  const rg = options.resourceGroup;
  return {
    title: 'Wait for Key Vault references to resolve and the functions to be indexed',
    commands: [
      {
        program: 'az',
        args: [
          'rest',
          '--method',
          'get',
          '--url',
          [
            'https://management.azure.com/subscriptions/',
            { subscription: true },
            `/resourceGroups/${rg}/providers/Microsoft.Web/sites/`,
            { output: 'functionAppName' },
            '/config/configreferences/appsettings?api-version=2024-04-01',
          ],
          '--query',
          "value[?properties.status!='Resolved'].name",
          '-o',
          'tsv',
        ],
        expect: {
          describe: 'every Key Vault reference of the app settings is Resolved',
          test: (out) => out.trim() === '',
        },
        poll: APP_READY_POLL,
      },
      {
        program: 'az',
        args: [
          'functionapp',
          'function',
          'list',
          '-g',
          rg,
          '-n',
          { output: 'functionAppName' },
          '--query',
          'length(@)',
          '-o',
          'tsv',
        ],
        expect: { describe: 'the host has indexed the functions', test: (out) => Number(out.trim()) > 0 },
        poll: APP_READY_POLL,
      },
    ],
  };
}

export function blobEventsStep(options: DeployOptions): DeployStep {
  return {
    title: 'Subscribe the scheduler to blob events (Event Grid)',
    commands: [
      {
        program: 'bash',
        args: ['infra/scripts/subscribeBlobEvents.sh', options.resourceGroup],
        retry: PROPAGATION_RETRY,
      },
    ],
    note:
      "runs `az eventgrid system-topic event-subscription create` on the storage account's system topic: " +
      'endpoint type azurefunction (the resource id of the Event Grid trigger scheduleBlobTrigger, no key), ' +
      'Event Grid schema, Microsoft.Storage.BlobCreated in the container SIBYL_SCHEDULER_CONTAINER ' +
      '(default workspaceblobstore).',
  };
}
