/**
 * Where the plan's run-time values come from: the outputs of the `sibyl` ARM deployment, the signed-in
 * operator, the subscription, and the secrets generated for the first deployment. The plan prints the
 * `az` commands; the runner calls them.
 */

/** The ARM deployment of infra/main.bicep whose outputs the later steps read. */
export const DEPLOYMENT_NAME = 'sibyl';

export const SECRET_NAMES = [
  'SIBYL_TOKEN_SIGNING_KEY',
  'SIBYL_KEY_ENCRYPTION_KEY',
  'SIBYL_FUNCTION_KEY',
  'SIBYL_SCORER_KEY',
] as const;

/** `az deployment group show` of one output, as the plan prints it. */
export function outputCommand(resourceGroup: string, name: string): string {
  const query = `properties.outputs.${name}.value`;
  return `az deployment group show -g ${resourceGroup} -n ${DEPLOYMENT_NAME} --query ${query} -o tsv`;
}

export const OPERATOR_COMMAND = 'az ad signed-in-user show --query id -o tsv';
export const SUBSCRIPTION_COMMAND = 'az account show --query id -o tsv';
