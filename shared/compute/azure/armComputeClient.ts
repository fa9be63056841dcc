/**
 * The ARM transport of the compute client: each `container`/`gpu` deployment is its own container
 * app, created and updated by deploying infra/scorerApp.bicep's compiled template
 * (scorerApp.template.json) with the app's managed identity, and deleted with its deployment.
 * `provisioningState` follows the ARM deployment (its error becomes `error`); replica counts come
 * from the Container Apps replicas API; logs from each replica container's console log stream.
 */
import { ContainerAppsAPIClient, type ContainerApp, type Replica, type Revision } from '@azure/arm-appcontainers';
import { ResourceManagementClient, type GenericResource } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import { getCredential } from '../../storage/credential';
import type {
  ComputeClient,
  ProvisioningState,
  ReplicaLogLine,
  ReplicaState,
  ReplicaStatus,
  ScaleStatus,
  ScorerAppSpec,
  ScorerAppStatus,
} from '../computeTypes';
import type { ArmComputeConfig } from '../../config';
import { logStreamUrl, parseLogStream } from './consoleLogStream';
import { userRuntimeOf } from '../userRuntime';
import { AcrImageBuilder, azureAcrTransport } from './acrImageBuild';
import { withSidecar } from './scorerAppSidecar';
import { userImagePlan, type UserImagePlan } from './userImageDockerfile';
import { armDeploymentName, scorerAppName, scorerAppParameters, toArmParameters } from './scorerAppParameters';
import scorerAppTemplate from './scorerApp.template.json';

/** Microsoft.Resources/deployments, deployed through the generic resources API (arm-resources 7 has no deployments client). */
const DEPLOYMENTS_API_VERSION = '2024-03-01';
/** Tag on the ARM deployment: whether it created the app or updated one (Creating vs Updating). */
const OPERATION_TAG = 'sibyl-operation';
const READY_POLL_MS = 5_000;
const DEFAULT_READY_TIMEOUT_MS = 15 * 60 * 1000;

/** The ARM operations this transport uses, so tests can stand in for Azure. */
export interface ArmOperations {
  deployments: {
    begin(id: string, body: GenericResource): Promise<void>;
    get(id: string): Promise<GenericResource | undefined>;
    remove(id: string): Promise<void>;
  };
  apps: {
    get(resourceGroup: string, name: string): Promise<ContainerApp | undefined>;
    remove(resourceGroup: string, name: string): Promise<void>;
    revision(resourceGroup: string, name: string, revision: string): Promise<Revision | undefined>;
    replicas(resourceGroup: string, name: string, revision: string): Promise<Replica[]>;
    /** A short-lived token for the app's log stream (`getAuthToken`). */
    authToken(resourceGroup: string, name: string): Promise<string>;
  };
  /** GETs one container's log stream URL with the app's token; the body as text. */
  consoleLog(url: string, token: string): Promise<string>;
}

const LOG_STREAM_TIMEOUT_MS = 30_000;

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The real ARM clients, with the app's managed identity (DefaultAzureCredential). */
export function azureArmOperations(
  subscriptionId: string,
  credential: TokenCredential = getCredential(),
): ArmOperations {
  const resources = new ResourceManagementClient(credential, subscriptionId);
  const containerApps = new ContainerAppsAPIClient(credential, subscriptionId);
  return {
    deployments: {
      // Only the PUT: progress is read back from the deployment itself (status), not held in memory.
      begin: async (id, body) => {
        await resources.resources.beginCreateOrUpdateById(id, DEPLOYMENTS_API_VERSION, body);
      },
      get: (id) => orUndefined(resources.resources.getById(id, DEPLOYMENTS_API_VERSION)),
      remove: async (id) => {
        await orUndefined(resources.resources.beginDeleteByIdAndWait(id, DEPLOYMENTS_API_VERSION));
      },
    },
    apps: {
      get: (rg, name) => orUndefined(containerApps.containerApps.get(rg, name)),
      remove: async (rg, name) => {
        await orUndefined(containerApps.containerApps.beginDeleteAndWait(rg, name));
      },
      revision: (rg, name, revision) =>
        orUndefined(containerApps.containerAppsRevisions.getRevision(rg, name, revision)),
      replicas: async (rg, name, revision) =>
        (await orUndefined(containerApps.containerAppsRevisionReplicas.listReplicas(rg, name, revision)))?.value ?? [],
      authToken: async (rg, name) => {
        const { token } = await containerApps.containerApps.getAuthToken(rg, name);
        if (!token) throw new Error(`Container Apps gave no log stream token for ${name}.`);
        return token;
      },
    },
    consoleLog: async (url, token) => {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'error',
        signal: AbortSignal.timeout(LOG_STREAM_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`The log stream answered ${res.status}.`);
      return res.text();
    },
  };
}

interface ArmError {
  code?: string;
  message?: string;
  details?: ArmError[];
}

/** ARM's error, nested details flattened into one line (the innermost say what really failed). */
export function armErrorMessage(error: ArmError | undefined): string {
  if (!error) return 'The ARM deployment failed without an error message.';
  const parts: string[] = [];
  const walk = (e: ArmError) => {
    if (e.message) parts.push(e.code ? `${e.code}: ${e.message}` : e.message);
    for (const detail of e.details ?? []) walk(detail);
  };
  walk(error);
  return parts.join(' / ') || (error.code ?? 'The ARM deployment failed.');
}

function replicaState(replica: Replica): ReplicaState {
  if (replica.runningState === 'NotRunning') return 'Failed';
  const containers = replica.containers ?? [];
  if (replica.runningState === 'Running' && containers.length > 0 && containers.every((c) => c.ready)) return 'Ready';
  return 'Starting';
}

function replicaStatus(replica: Replica): ReplicaStatus {
  return {
    name: replica.name ?? '',
    state: replicaState(replica),
    // Container Apps does not report a replica's in-flight requests; the scorer's own metrics do.
    inFlight: 0,
    startedAt: (replica.createdTime ?? new Date(0)).toISOString(),
  };
}

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
    const armDeployment = await this.ops.deployments.get(this.deploymentId(endpoint, deployment));
    if (!armDeployment) return undefined;
    const properties = (armDeployment.properties ?? {}) as { provisioningState?: string; error?: ArmError };
    const inProgress: ProvisioningState = armDeployment.tags?.[OPERATION_TAG] === 'update' ? 'Updating' : 'Creating';
    const empty: ScaleStatus = { desiredReplicas: 0, readyReplicas: 0, replicas: [] };
    switch (properties.provisioningState) {
      case 'Failed':
      case 'Canceled':
        return { provisioningState: 'Failed', error: armErrorMessage(properties.error), scale: empty };
      case 'Deleting':
        return { provisioningState: 'Deleting', scale: empty };
      case 'Succeeded':
        break;
      default:
        return { provisioningState: inProgress, scale: empty };
    }
    const name = scorerAppName(endpoint, deployment);
    const app = await this.ops.apps.get(this.config.resourceGroup, name);
    if (!app)
      return {
        provisioningState: 'Failed',
        error: `Container app ${name} is gone though its deployment succeeded.`,
        scale: empty,
      };
    const url = app.configuration?.ingress?.fqdn ? `https://${app.configuration.ingress.fqdn}` : undefined;
    // The deployment is done once ARM accepted the revision; it serves once the revision is ready.
    const serving = app.latestRevisionName !== undefined && app.latestReadyRevisionName === app.latestRevisionName;
    const scale = await this.scale(name, app.latestReadyRevisionName);
    if (!serving && app.latestRevisionName) {
      // A revision whose replicas never pass their probes fails here, not in the ARM deployment.
      const latest = await this.ops.apps.revision(this.config.resourceGroup, name, app.latestRevisionName);
      if (latest?.provisioningState === 'Failed' || latest?.runningState === 'Failed') {
        const why = latest.provisioningError ?? 'its replicas did not become ready';
        return {
          provisioningState: 'Failed',
          error: `Revision ${app.latestRevisionName} failed: ${why}`,
          ...(url ? { url } : {}),
          scale,
        };
      }
    }
    return { provisioningState: serving ? 'Succeeded' : inProgress, ...(url ? { url } : {}), scale };
  }

  private async scale(app: string, revisionName: string | undefined): Promise<ScaleStatus> {
    if (!revisionName) return { desiredReplicas: 0, readyReplicas: 0, replicas: [] };
    const [revision, replicas] = await Promise.all([
      this.ops.apps.revision(this.config.resourceGroup, app, revisionName),
      this.ops.apps.replicas(this.config.resourceGroup, app, revisionName),
    ]);
    const statuses = replicas.map(replicaStatus);
    return {
      desiredReplicas: revision?.replicas ?? statuses.length,
      readyReplicas: statuses.filter((r) => r.state === 'Ready').length,
      replicas: statuses,
    };
  }

  async remove(endpoint: string, deployment: string): Promise<void> {
    await this.ops.apps.remove(this.config.resourceGroup, scorerAppName(endpoint, deployment));
    await this.ops.deployments.remove(this.deploymentId(endpoint, deployment));
  }

  /**
   * The last `lines` lines of each replica of the latest revision and of the one serving (they differ
   * while an update rolls out or after it failed: then the failed replicas' lines are the useful ones).
   */
  async logs(endpoint: string, deployment: string, lines: number): Promise<ReplicaLogLine[] | undefined> {
    const { resourceGroup } = this.config;
    const name = scorerAppName(endpoint, deployment);
    const app = await this.ops.apps.get(resourceGroup, name);
    if (!app) return undefined;
    const revisions = [...new Set([app.latestRevisionName, app.latestReadyRevisionName])].filter(
      (r): r is string => !!r,
    );
    const replicas = (await Promise.all(revisions.map((r) => this.ops.apps.replicas(resourceGroup, name, r)))).flat();
    const streams = replicas.flatMap((replica) =>
      (replica.containers ?? [])
        .filter((c) => c.logStreamEndpoint)
        .map((c) => ({ replica: replica.name ?? '', url: logStreamUrl(c.logStreamEndpoint!, lines) })),
    );
    if (!streams.length) return [];
    const token = await this.ops.apps.authToken(resourceGroup, name);
    const each = await Promise.all(
      streams.map(async (s) => parseLogStream(await this.ops.consoleLog(s.url, token), s.replica, this.secretValues)),
    );
    return each.flatMap((l) => l.slice(-lines)).sort((a, b) => a.time.localeCompare(b.time));
  }
}
