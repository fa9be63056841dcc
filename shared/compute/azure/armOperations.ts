/**
 * The ARM operations the compute client uses, as one interface so tests can stand in for Azure, and
 * their real implementation over the Resource Manager and Container Apps SDKs. A 404 reads as
 * "not there" (undefined), never as an error.
 */
import { ContainerAppsAPIClient, type ContainerApp, type Replica, type Revision } from '@azure/arm-appcontainers';
import { ResourceManagementClient, type GenericResource } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import { getCredential } from '../../storage/credential';

/** Microsoft.Resources/deployments, through the generic resources API (arm-resources 7 has no deployments client). */
const DEPLOYMENTS_API_VERSION = '2024-03-01';
const LOG_STREAM_TIMEOUT_MS = 30_000;

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
