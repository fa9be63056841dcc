/**
 * The ARM transport of the compute client: each `container`/`gpu` deployment is its own container
 * app, created and updated by deploying infra/scorerApp.bicep's compiled template
 * (scorerApp.template.json) with the app's managed identity, and deleted with its deployment.
 * Its status is read back by scorerAppStatus.ts, its logs by replicaLogs.ts, through armOperations.ts.
 */
import { getCredential } from '../../storage/credential';
import type { ComputeClient, ReplicaLogLine, ScorerAppSpec, ScorerAppStatus } from '../computeTypes';
import type { ArmComputeConfig } from '../computeSettings';
import { userRuntimeOf } from '../userRuntime';
import { AcrImageBuilder, azureAcrTransport } from './acrImageBuild';
import { azureArmOperations, type ArmOperations } from './armOperations';
import { replicaLogs } from './replicaLogs';
import { withSidecar } from './scorerAppSidecar';
import { OPERATION_TAG, scorerAppStatus } from './scorerAppStatus';
import { userImagePlan, type UserImagePlan } from './userImageDockerfile';
import { armDeploymentName, scorerAppName, scorerAppParameters, toArmParameters } from './scorerAppParameters';
import scorerAppTemplate from './scorerApp.template.json';

const READY_POLL_MS = 5_000;
const DEFAULT_READY_TIMEOUT_MS = 15 * 60 * 1000;

/** Where user-code images come from: built in the registry (ACR Tasks), or taken as they are. */
export interface UserImages {
  ensure(plan: UserImagePlan): Promise<string>;
}

export interface ArmComputeClientOptions {
  config: ArmComputeConfig;
  /** The app's secret settings' values (`SibylConfig.secretValues`): a replica could print them in its logs. */
  secretValues: readonly string[];
  operations?: ArmOperations;
  images?: UserImages;
  /** How long `apply` waits for the new revision to be ready after the deployment succeeds. */
  readyTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class ArmComputeClient implements ComputeClient {
  private readonly config: ArmComputeConfig;
  private readonly secretValues: readonly string[];
  private readonly ops: ArmOperations;
  private readonly images: UserImages;
  private readonly readyTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: ArmComputeClientOptions) {
    this.config = options.config;
    this.secretValues = options.secretValues;
    this.ops = options.operations ?? azureArmOperations(this.config.subscriptionId);
    this.images =
      options.images ??
      new AcrImageBuilder(
        {
          subscriptionId: this.config.subscriptionId,
          resourceGroup: this.config.resourceGroup,
          registryServer: this.config.registryServer,
        },
        azureAcrTransport(getCredential()),
      );
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private deploymentId(endpoint: string, deployment: string): string {
    const { subscriptionId, resourceGroup } = this.config;
    return (
      `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/` +
      `Microsoft.Resources/deployments/${armDeploymentName(endpoint, deployment)}`
    );
  }

  /**
   * The template's parameters; for user code, with the image that runs it (built first when it is not
   * in the registry yet). A custom server's own image runs beside the scorer, which stays in front.
   */
  private async parametersOf(spec: ScorerAppSpec) {
    const parameters = scorerAppParameters(spec, this.config);
    const runtime = spec.runtime === 'onnx' ? undefined : userRuntimeOf(spec.settings);
    if (!runtime) return parameters;
    const plan = userImagePlan(runtime, this.config.image, spec.dockerfile);
    const image = await this.images.ensure(plan);
    if (runtime.runtime === 'custom' && runtime.custom)
      return withSidecar(parameters, image, { ...runtime, custom: runtime.custom });
    return { ...parameters, image, targetPort: plan.port };
  }

  async apply(spec: ScorerAppSpec): Promise<ScorerAppStatus> {
    const parameters = await this.parametersOf(spec);
    const existing = await this.ops.apps.get(this.config.resourceGroup, parameters.name);
    await this.ops.deployments.begin(this.deploymentId(spec.endpoint, spec.deployment), {
      tags: { [OPERATION_TAG]: existing ? 'update' : 'create', 'sibyl-revision': spec.revision },
      properties: { mode: 'Incremental', template: scorerAppTemplate, parameters: toArmParameters(parameters) },
    });
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      const status = await this.status(spec.endpoint, spec.deployment);
      if (status?.provisioningState === 'Succeeded') return status;
      if (status?.provisioningState === 'Failed') throw new Error(status.error ?? 'The scorer app failed to deploy.');
      if (Date.now() > deadline) {
        throw new Error(
          `The scorer app of ${spec.endpoint}/${spec.deployment} was not ready after ${Math.round(this.readyTimeoutMs / 1000)} s.`,
        );
      }
      await this.sleep(READY_POLL_MS);
    }
  }

  async status(endpoint: string, deployment: string): Promise<ScorerAppStatus | undefined> {
    const name = scorerAppName(endpoint, deployment);
    return scorerAppStatus(this.ops, this.config.resourceGroup, this.deploymentId(endpoint, deployment), name);
  }

  async remove(endpoint: string, deployment: string): Promise<void> {
    await this.ops.apps.remove(this.config.resourceGroup, scorerAppName(endpoint, deployment));
    await this.ops.deployments.remove(this.deploymentId(endpoint, deployment));
  }

  /** The last `lines` lines of each replica's console (replicaLogs.ts); undefined when the app is gone. */
  async logs(endpoint: string, deployment: string, lines: number): Promise<ReplicaLogLine[] | undefined> {
    const name = scorerAppName(endpoint, deployment);
    return replicaLogs(this.ops, this.config.resourceGroup, name, lines, this.secretValues);
  }
}
