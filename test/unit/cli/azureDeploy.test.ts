/**
 * `sibyl azure deploy`: the plan it prints without calling Azure, the messages when the Azure CLI is
 * missing or logged out, and a run against a stand-in `az` (order, checks, retries, waits, secrets).
 */
import {
  AzureDeployRunner,
  planSteps,
  renderPlan,
  type CommandResult,
  type Exec,
} from '../../../cli/azure/azureDeployRunner';
import { deploySteps } from '../../../cli/azure/deploySteps';
import type { DeployOptions } from '../../../cli/azure/deployStepTypes';
import { UsageError } from '../../../cli/core/cliErrors';

const OPTIONS: DeployOptions = { resourceGroup: 'rg-sibyl', location: 'swedencentral', gpu: 'T4', imageTag: '1' };
const OUTPUT = (name: string) =>
  `$(az deployment group show -g rg-sibyl -n sibyl --query properties.outputs.${name}.value -o tsv)`;
const OUT = (name: string) => `"${OUTPUT(name)}"`;
const AS_OPERATOR = 'SIBYL_GPUS=T4 SIBYL_OPERATOR_PRINCIPAL_ID="$(az ad signed-in-user show --query id -o tsv)"';
const DEPLOY_MAIN = 'az deployment group create -g rg-sibyl -n sibyl --parameters infra/main.bicepparam -o none';

describe('sibyl azure deploy --plan', () => {
  const plan = renderPlan(deploySteps(OPTIONS), OPTIONS);

  it("prints the README's steps in order with the exact az commands", () => {
    expect(planSteps(deploySteps(OPTIONS), OPTIONS).map((s) => s.title)).toEqual([
      'Check the region offers Flex Consumption and the GPU asked for',
      'Resource group',
      'Secrets (first deployment only)',
      'Identities, data and role assignments, before anything uses them',
      'The Function App and its settings (retried while roles propagate)',
      'Build the scorer image in the registry',
      'Publish sibyl.zip',
      'Wait for Key Vault references to resolve and the functions to be indexed',
      'Set the host key and the scorer image',
      'Subscribe the scheduler to blob events (Event Grid)',
    ]);
    const commandLines = plan
      .split('\n')
      .filter((l) => /^ {3}\S/.test(l) && !l.trim().startsWith('#'))
      .map((l) => l.trim());
    expect(commandLines).toEqual([
      "az functionapp list-flexconsumption-locations --query '[].name' -o tsv",
      "az containerapp env workload-profile list-supported -l swedencentral --query '[].name' -o tsv",
      'az group create -n rg-sibyl -l swedencentral -o none',
      `${AS_OPERATOR} SIBYL_TOKEN_SIGNING_KEY=$SIBYL_TOKEN_SIGNING_KEY ` +
        'SIBYL_KEY_ENCRYPTION_KEY=$SIBYL_KEY_ENCRYPTION_KEY SIBYL_FUNCTION_KEY=$SIBYL_FUNCTION_KEY ' +
        'SIBYL_SCORER_KEY=$SIBYL_SCORER_KEY SIBYL_DEPLOY_APPS=false ' +
        'az deployment group create -g rg-sibyl -n sibyl-identities --parameters infra/main.bicepparam -o none',
      `${AS_OPERATOR} ${DEPLOY_MAIN}`,
      `az acr build -r ${OUT('registryName')} -t sibyl-scorer:1 -f scorer/Dockerfile . -o none`,
      'npm run package',
      `az functionapp deployment source config-zip -g rg-sibyl -n ${OUT('functionAppName')} --src sibyl.zip -o none`,
      'az rest --method get --url "https://management.azure.com/subscriptions/$(az account show --query id -o tsv)' +
        `/resourceGroups/rg-sibyl/providers/Microsoft.Web/sites/${OUTPUT('functionAppName')}` +
        '/config/configreferences/appsettings?api-version=2024-04-01" ' +
        "--query 'value[?properties.status!='\\''Resolved'\\''].name' -o tsv",
      `az functionapp function list -g rg-sibyl -n ${OUT('functionAppName')} --query 'length(@)' -o tsv`,
      `${AS_OPERATOR} SIBYL_SET_HOST_KEY=true ` +
        `SIBYL_SCORER_IMAGE="${OUTPUT('registryLoginServer')}/sibyl-scorer:1" ${DEPLOY_MAIN}`,
      'bash infra/scripts/subscribeBlobEvents.sh rg-sibyl',
    ]);
    expect(plan).toContain('Nothing was run.');
    expect(plan).toContain('# waits until every Key Vault reference of the app settings is Resolved');
    expect(plan).toContain(
      "   # runs `az eventgrid system-topic event-subscription create` on the storage account's system topic: " +
        'endpoint type azurefunction (the resource id of the Event Grid trigger scheduleBlobTrigger, no key), ' +
        'Event Grid schema, Microsoft.Storage.BlobCreated',
    );
  });

  it('skips the GPU check with --gpu none and deploys no GPU profile', () => {
    const none = { ...OPTIONS, gpu: 'none' as const };
    const text = renderPlan(deploySteps(none), none);
    expect(text).not.toContain('workload-profile list-supported');
    expect(text).toContain("SIBYL_GPUS='' ");
    const a100 = { ...OPTIONS, gpu: 'A100' as const };
    expect(renderPlan(deploySteps(a100), a100)).toContain(
      'serverless GPU Consumption-GPU-NC24-A100 is offered in swedencentral',
    );
  });
});

/** A stand-in Azure CLI: answers by the command line, records what ran. */
function fakeAz(answer: (line: string, env: Record<string, string>) => Partial<CommandResult> | undefined) {
  const calls: { line: string; env: Record<string, string> }[] = [];
  const exec: Exec = (program, args, env) => {
    const line = [program, ...args].join(' ');
    calls.push({ line, env });
    return Promise.resolve({ code: 0, stdout: '', stderr: '', ...answer(line, env) });
  };
  return { exec, calls };
}

function azureLike(line: string): Partial<CommandResult> | undefined {
  if (line.startsWith('az account show')) return { stdout: 'sub-1\n' };
  if (line.includes('deployment group show') && line.includes('provisioningState'))
    return { code: 3, stderr: 'DeploymentNotFound' };
  if (line.startsWith('az ad signed-in-user')) return { stdout: 'user-1\n' };
  if (line.includes('list-flexconsumption-locations')) return { stdout: 'swedencentral\neastus\n' };
  if (line.includes('list-supported')) return { stdout: 'Consumption\nConsumption-GPU-NC8as-T4\n' };
  const output = /properties\.outputs\.(\w+)\.value/.exec(line)?.[1];
  if (output) return { stdout: `${output}-value\n` };
  if (line.includes('function list')) return { stdout: '12\n' };
  return undefined;
}

describe('sibyl azure deploy without --plan', () => {
  const noSleep = () => Promise.resolve();

  it('says how to get the Azure CLI when az is not on PATH', async () => {
    const runner = new AzureDeployRunner(OPTIONS, { az: '/nonexistent/sibyl-test/az' });
    await expect(runner.run(deploySteps(OPTIONS))).rejects.toThrow(
      new UsageError(
        "the Azure CLI ('az') was not found on PATH: install it (https://aka.ms/installazurecli), run `az login`, then run this again.",
      ),
    );
  });

  it('says to log in when az is not logged in, before calling anything else', async () => {
    const { exec, calls } = fakeAz(() => ({ code: 1, stderr: "Please run 'az login' to setup account." }));
    await expect(new AzureDeployRunner(OPTIONS, { exec }).run(deploySteps(OPTIONS))).rejects.toThrow(
      /not logged in: run `az login`/,
    );
    expect(calls.map((c) => c.line)).toEqual(['az account show --query id -o tsv']);
  });

  it('runs every step in order, generates secrets on the first deployment only, retries propagation and waits', async () => {
    let authFailures = 1;
    let unresolved = 2;
    const { exec, calls } = fakeAz((line) => {
      if (line.includes('-n sibyl --parameters') && authFailures-- > 0)
        return { code: 1, stderr: 'AuthorizationFailed: the client does not have authorization' };
      if (line.includes('configreferences')) return { stdout: unresolved-- > 0 ? 'SIBYL_FUNCTION_KEY\n' : '' };
      return azureLike(line);
    });
    const log: string[] = [];
    let clock = 0;
    await new AzureDeployRunner(OPTIONS, {
      exec,
      sleep: noSleep,
      now: () => (clock += 1000),
      log: (l) => log.push(l),
    }).run(deploySteps(OPTIONS));

    const deployments = calls.filter((c) => c.line.includes('deployment group create'));
    expect(deployments.map((c) => c.line.split(' -n ')[1]?.split(' ')[0])).toEqual([
      'sibyl-identities',
      'sibyl',
      'sibyl',
      'sibyl',
    ]);
    const secrets = deployments[0]!.env;
    for (const name of [
      'SIBYL_TOKEN_SIGNING_KEY',
      'SIBYL_KEY_ENCRYPTION_KEY',
      'SIBYL_FUNCTION_KEY',
      'SIBYL_SCORER_KEY',
    ])
      expect(secrets[name]).toMatch(/^[0-9a-f]{64}$/);
    expect(deployments[0]!.env).toMatchObject({
      SIBYL_DEPLOY_APPS: 'false',
      SIBYL_GPUS: 'T4',
      SIBYL_OPERATOR_PRINCIPAL_ID: 'user-1',
    });
    expect(deployments[3]!.env).toMatchObject({
      SIBYL_SET_HOST_KEY: 'true',
      SIBYL_SCORER_IMAGE: 'registryLoginServer-value/sibyl-scorer:1',
    });
    expect(deployments[3]!.env).not.toHaveProperty('SIBYL_FUNCTION_KEY');
    expect(calls.filter((c) => c.line.includes('configreferences'))).toHaveLength(3);
    expect(
      calls.some((c) =>
        c.line.includes(
          '/subscriptions/sub-1/resourceGroups/rg-sibyl/providers/Microsoft.Web/sites/functionAppName-value/config',
        ),
      ),
    ).toBe(true);
    expect(calls.at(-1)!.line).toBe('bash infra/scripts/subscribeBlobEvents.sh rg-sibyl');
    // No secret reaches the log.
    expect(log.join('\n')).not.toMatch(/[0-9a-f]{64}/);
    expect(log.some((l) => l.includes('failed while roles propagate'))).toBe(true);
  });

  it("keeps Key Vault's secrets on a later run", async () => {
    const { exec, calls } = fakeAz((line) =>
      line.includes('provisioningState') ? { stdout: 'Succeeded\n' } : azureLike(line),
    );
    await new AzureDeployRunner(OPTIONS, { exec, sleep: noSleep }).run(deploySteps(OPTIONS));
    expect(calls.find((c) => c.line.includes('sibyl-identities'))!.env.SIBYL_FUNCTION_KEY).toBe('');
  });

  it('stops with the reason when the region lacks the GPU asked for', async () => {
    const { exec } = fakeAz((line) =>
      line.includes('list-supported') ? { stdout: 'Consumption\n' } : azureLike(line),
    );
    await expect(new AzureDeployRunner(OPTIONS, { exec, sleep: noSleep }).run(deploySteps(OPTIONS))).rejects.toThrow(
      /expected serverless GPU Consumption-GPU-NC8as-T4 is offered in swedencentral \(or pass --gpu none\)/,
    );
  });

  it('does not retry what propagation does not explain', async () => {
    const { exec, calls } = fakeAz((line) =>
      line.startsWith('az group create') ? { code: 1, stderr: 'InvalidResourceGroupLocation' } : azureLike(line),
    );
    await expect(new AzureDeployRunner(OPTIONS, { exec, sleep: noSleep }).run(deploySteps(OPTIONS))).rejects.toThrow(
      /InvalidResourceGroupLocation/,
    );
    expect(calls.filter((c) => c.line.startsWith('az group create'))).toHaveLength(1);
  });
});
