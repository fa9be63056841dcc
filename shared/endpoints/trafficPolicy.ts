/**
 * Traffic rules: live traffic split by whole percentages that sum to 100 (or empty with a single
 * deployment), mirror traffic capped at 50% per deployment, and the weighted pick per request.
 */
import { SibylError } from '../errors';

export const MAX_MIRROR_PERCENT = 50;

/** Checks a split against the endpoint's deployments; `changing` names what is being set. */
export function checkTraffic(
  traffic: Record<string, number>,
  mirror: Record<string, number>,
  deployments: readonly string[],
): void {
  for (const [name, percent] of [...Object.entries(traffic), ...Object.entries(mirror)]) {
    if (!deployments.includes(name)) {
      throw new SibylError(
        'InvalidInput',
        `Traffic names deployment '${name}', which this endpoint does not have` +
          `${deployments.length ? ` (it has ${deployments.join(', ')})` : ''}. Create the deployment first.`,
      );
    }
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      throw new SibylError('InvalidInput', `Traffic for '${name}' must be a whole percentage 0–100, got ${percent}.`);
  }
  const total = Object.values(traffic).reduce((a, b) => a + b, 0);
  if (Object.keys(traffic).length > 0 && total !== 100) {
    throw new SibylError('InvalidInput', `Traffic percentages must add up to 100; they add up to ${total}.`);
  }
  for (const [name, percent] of Object.entries(mirror)) {
    if (percent > MAX_MIRROR_PERCENT)
      throw new SibylError(
        'InvalidInput',
        `Mirror traffic for '${name}' is ${percent}%; at most ${MAX_MIRROR_PERCENT}% may be mirrored.`,
      );
    if ((traffic[name] ?? 0) > 0)
      throw new SibylError(
        'InvalidInput',
        `Deployment '${name}' gets live traffic; a deployment cannot also be a mirror target.`,
      );
  }
}

/** Picks the deployment for one request: pinned, else weighted by `traffic`, else the only one. */
export function pickDeployment(
  endpoint: string,
  traffic: Record<string, number>,
  deployments: readonly string[],
  pinned: string | null,
  random = Math.random,
): string {
  if (pinned) {
    if (!deployments.includes(pinned)) {
      throw new SibylError(
        'DeploymentNotFound',
        `Endpoint '${endpoint}' has no deployment '${pinned}' (named by the azureml-model-deployment header).`,
      );
    }
    return pinned;
  }
  const weighted = Object.entries(traffic).filter(([, p]) => p > 0);
  if (weighted.length === 0) {
    if (deployments.length === 1) return deployments[0]!;
    throw new SibylError(
      'DeploymentNotFound',
      deployments.length === 0
        ? `Endpoint '${endpoint}' has no deployment yet. Create one with PUT api/endpoints/${endpoint}/deployments/{name}.`
        : `Endpoint '${endpoint}' has no traffic set across its deployments; ` +
            `set traffic or pin one with the azureml-model-deployment header.`,
    );
  }
  let roll = random() * 100;
  for (const [name, percent] of weighted) {
    roll -= percent;
    if (roll < 0) return name;
  }
  return weighted[weighted.length - 1]![0];
}

/** The mirror targets a request should be copied to. */
export function pickMirrors(mirror: Record<string, number>, random = Math.random): string[] {
  return Object.entries(mirror)
    .filter(([, percent]) => percent > 0 && random() * 100 < percent)
    .map(([name]) => name);
}
