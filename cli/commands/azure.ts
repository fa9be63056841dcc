/**
 * `sibyl azure deploy`: README "Deploy to Azure" in one command, through the user's Azure CLI.
 * `--plan` prints the steps and the exact `az` commands without calling Azure.
 */
import * as fs from 'node:fs';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/cliErrors';
import { commandGroup, leaf } from '../core/commandKit';
import { writeErr, writeOut } from '../core/output';
import { AzureDeployRunner, planSteps, renderPlan } from '../azure/azureDeployRunner';
import { deploySteps } from '../azure/deploySteps';
import type { GpuChoice } from '../azure/deployStepTypes';

interface DeployFlags {
  resourceGroup: string;
  location: string;
  gpu: GpuChoice;
  imageTag: string;
  plan?: boolean;
  output: 'json' | 'table';
}

const EXAMPLES = [
  'sibyl azure deploy -g rg-sibyl -l swedencentral --plan',
  'sibyl azure deploy -g rg-sibyl -l swedencentral --gpu none',
];

export function registerAzureCommands(program: Command): void {
  const azure = commandGroup(program, 'azure', 'Deploy Sibyl to Azure with your Azure CLI', EXAMPLES);
  leaf(
    azure
      .command('deploy')
      .description('Create or update everything README "Deploy to Azure" lists, step by step; safe to run again')
      .requiredOption('-g, --resource-group <name>', 'resource group (created when missing)')
      .requiredOption(
        '-l, --location <region>',
        'Azure region with Flex Consumption (and serverless GPUs unless --gpu none)',
      )
      .addOption(
        new Option('--gpu <kind>', 'serverless GPU profile to offer gpu deployments')
          .choices(['none', 'T4', 'A100'])
          .default('T4'),
      )
      .option('--image-tag <tag>', 'tag of the scorer image built in the registry', '1')
      .option('--plan', 'print the steps and the exact az commands without calling Azure'),
    EXAMPLES,
  ).action(async (flags: DeployFlags) => {
    if (!/^[-\w.()]{1,90}$/.test(flags.resourceGroup))
      throw new UsageError(`'${flags.resourceGroup}' is not a resource group name (1-90 letters, digits, . _ - ( )).`);
    if (!/^[a-z0-9]+$/i.test(flags.location))
      throw new UsageError(`'${flags.location}' is not a region name such as swedencentral.`);
    if (!/^[\w.-]{1,128}$/.test(flags.imageTag)) throw new UsageError(`'${flags.imageTag}' is not an image tag.`);
    const options = {
      resourceGroup: flags.resourceGroup,
      location: flags.location.toLowerCase(),
      gpu: flags.gpu,
      imageTag: flags.imageTag,
    };
    const steps = deploySteps(options);
    if (flags.plan) {
      writeOut(
        flags.output === 'json' ? JSON.stringify(planSteps(steps, options), null, 2) : renderPlan(steps, options),
      );
      return;
    }
    // The steps read infra/, scorer/ and package.json by relative path.
    if (!fs.existsSync('infra/main.bicepparam') || !fs.existsSync('scorer/Dockerfile')) {
      throw new UsageError(
        'run `sibyl azure deploy` from the root of the Sibyl repository (it deploys infra/ and builds scorer/).',
      );
    }
    await new AzureDeployRunner(options, { log: writeErr }).run(steps);
    writeOut(
      `Sibyl is deployed in ${options.resourceGroup}. Next: sibyl login --url ` +
        `"$(az deployment group show -g ${options.resourceGroup} -n sibyl ` +
        '--query properties.outputs.apiUrl.value -o tsv)"',
    );
  });
}
