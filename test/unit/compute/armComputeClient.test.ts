/**
 * The ARM transport against an in-memory stand-in for Azure Resource Manager: what it deploys (the
 * compiled scorer app template with the mapped parameters), and how the ARM deployment, the
 * container app's revisions and the replicas API become provisioningState, error and scale.
 */
import type { ContainerApp, Replica, Revision } from '@azure/arm-appcontainers';
import type { GenericResource } from '@azure/arm-resources';
import { ArmComputeClient, armErrorMessage, type ArmOperations } from '../../../shared/compute/azure/armComputeClient';
import { readArmComputeConfig } from '../../../shared/compute/azure/armComputeConfig';
import { scorerAppName, scorerAppParameters } from '../../../shared/compute/azure/scorerAppParameters';
import scorerAppTemplate from '../../../shared/compute/azure/scorerApp.template.json';
import { COMPUTE_ENV, RESOURCE_GROUP, SUBSCRIPTION, containerSpec } from './azureFixtures';

const config = readArmComputeConfig(COMPUTE_ENV);
const APP = scorerAppName('fraud-detector', 'blue');

/** A fake ARM: deployments by id, apps by name; tests move them through their states. */
class FakeArm implements ArmOperations {
  deploymentsById = new Map<string, GenericResource>();
  appsByName = new Map<string, ContainerApp>();
  revisions = new Map<string, Revision>();
  replicaList: Replica[] = [];
  removed: string[] = [];
  /** Called after each PUT, to play what Azure does next. */
  onBegin: (id: string) => void = () => undefined;

  deployments = {
    begin: (id: string, body: GenericResource) => {
      this.deploymentsById.set(id, { ...body, properties: { ...body.properties, provisioningState: 'Accepted' } });
      this.onBegin(id);
      return Promise.resolve();
    },
    get: (id: string) => Promise.resolve(this.deploymentsById.get(id)),
    remove: (id: string) => {
      this.removed.push(`deployment ${id.split('/').pop()}`);
      this.deploymentsById.delete(id);
      return Promise.resolve();
    },
  };

  apps = {
    get: (_rg: string, name: string) => Promise.resolve(this.appsByName.get(name)),
    remove: (_rg: string, name: string) => {
      this.removed.push(`app ${name}`);
      this.appsByName.delete(name);
      return Promise.resolve();
    },
    revision: (_rg: string, _name: string, revision: string) => Promise.resolve(this.revisions.get(revision)),
    replicas: () => Promise.resolve(this.replicaList),
  };

  settle(id: string, state: string, error?: object): void {
    const deployment = this.deploymentsById.get(id)!;
    this.deploymentsById.set(id, {
      ...deployment,
      properties: { ...deployment.properties, provisioningState: state, ...(error ? { error } : {}) },
    });
  }
}

function replica(name: string, runningState: string, ready: boolean): Replica {
  return { name, runningState, createdTime: new Date('2026-12-04T10:00:00Z'), containers: [{ name: 'scorer', ready }] };
}

const noSleep = () => Promise.resolve();

describe('ARM compute client', () => {
  it('deploys the compiled scorer app template with the mapped parameters, then reports it serving', async () => {
    const arm = new FakeArm();
    arm.onBegin = (id) => {
      arm.settle(id, 'Succeeded');
      arm.appsByName.set(APP, {
        latestRevisionName: `${APP}--r1`,
        latestReadyRevisionName: `${APP}--r1`,
        configuration: { ingress: { fqdn: `${APP}.example.io` } },
      } as ContainerApp);
      arm.revisions.set(`${APP}--r1`, { replicas: 2 });
      arm.replicaList = [replica('r1-a', 'Running', true), replica('r1-b', 'Running', false)];
    };
    const client = new ArmComputeClient({ config, operations: arm, sleep: noSleep });
    const status = await client.apply(containerSpec());

    const [id, deployment] = [...arm.deploymentsById.entries()][0]!;
    expect(id).toBe(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Resources/deployments/sibyl-${APP}`,
    );
    expect(deployment.properties?.template).toBe(scorerAppTemplate);
    expect(deployment.properties?.mode).toBe('Incremental');
    const values = Object.fromEntries(
      Object.entries(deployment.properties?.parameters as Record<string, { value: unknown }>).map(([k, v]) => [
        k,
        v.value,
      ]),
    );
    expect(values).toEqual(scorerAppParameters(containerSpec(), config));
    expect(deployment.tags).toEqual({ 'sibyl-operation': 'create', 'sibyl-revision': 'r-7f3a' });

    expect(status).toEqual({
      provisioningState: 'Succeeded',
      url: `https://${APP}.example.io`,
      scale: {
        desiredReplicas: 2,
        readyReplicas: 1,
        replicas: [
          { name: 'r1-a', state: 'Ready', inFlight: 0, startedAt: '2026-12-04T10:00:00.000Z' },
          { name: 'r1-b', state: 'Starting', inFlight: 0, startedAt: '2026-12-04T10:00:00.000Z' },
        ],
      },
    });
  });

  it('reports Creating, then Updating for an existing app until its new revision is ready', async () => {
    const arm = new FakeArm();
    const client = new ArmComputeClient({ config, operations: arm, sleep: noSleep, readyTimeoutMs: 0 });
    await expect(client.apply(containerSpec())).rejects.toThrow(/was not ready after 0 s/);
    expect((await client.status('fraud-detector', 'blue'))?.provisioningState).toBe('Creating');

    arm.appsByName.set(APP, {
      latestRevisionName: `${APP}--r2`,
      latestReadyRevisionName: `${APP}--r1`,
    } as ContainerApp);
    await expect(client.apply(containerSpec({ revision: 'r-2' }))).rejects.toThrow(/not ready/);
    expect((await client.status('fraud-detector', 'blue'))?.provisioningState).toBe('Updating');
    // ARM is done but the new revision is not ready yet: still Updating, the old one serving.
    arm.settle([...arm.deploymentsById.keys()][0]!, 'Succeeded');
    expect((await client.status('fraud-detector', 'blue'))?.provisioningState).toBe('Updating');
  });

  it("reports Failed with the ARM deployment's error, nested details included, and apply rejects with it", async () => {
    const arm = new FakeArm();
    const error = {
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      details: [
        {
          code: 'ContainerAppInvalidResources',
          message: 'Total CPU and memory for all containers must add up to a valid combination.',
        },
      ],
    };
    arm.onBegin = (id) => arm.settle(id, 'Failed', error);
    const client = new ArmComputeClient({ config, operations: arm, sleep: noSleep });
    await expect(client.apply(containerSpec())).rejects.toThrow('ContainerAppInvalidResources: Total CPU and memory');
    expect(await client.status('fraud-detector', 'blue')).toEqual({
      provisioningState: 'Failed',
      error:
        'DeploymentFailed: At least one resource deployment operation failed. / ' +
        'ContainerAppInvalidResources: Total CPU and memory for all containers must add up to a valid combination.',
      scale: { desiredReplicas: 0, readyReplicas: 0, replicas: [] },
    });
  });

  it('reports Failed when the new revision fails though ARM succeeded', async () => {
    const arm = new FakeArm();
    arm.onBegin = (id) => {
      arm.settle(id, 'Succeeded');
      arm.appsByName.set(APP, {
        latestRevisionName: `${APP}--r2`,
        latestReadyRevisionName: `${APP}--r1`,
      } as ContainerApp);
      arm.revisions.set(`${APP}--r2`, {
        provisioningState: 'Failed',
        provisioningError: 'Startup probe failed: CUDA execution provider not active',
      });
    };
    const client = new ArmComputeClient({ config, operations: arm, sleep: noSleep });
    await expect(client.apply(containerSpec())).rejects.toThrow(
      `Revision ${APP}--r2 failed: Startup probe failed: CUDA execution provider not active`,
    );
  });

  it('knows nothing of a deployment never applied, and removes the app then its ARM deployment', async () => {
    const arm = new FakeArm();
    const client = new ArmComputeClient({ config, operations: arm, sleep: noSleep });
    expect(await client.status('fraud-detector', 'green')).toBeUndefined();
    await client.remove('fraud-detector', 'blue');
    expect(arm.removed).toEqual([`app ${APP}`, `deployment sibyl-${APP}`]);
  });

  it('rejects a spec Container Apps would refuse before calling Azure', async () => {
    const arm = new FakeArm();
    const client = new ArmComputeClient({ config, operations: arm, sleep: noSleep });
    await expect(client.apply(containerSpec({ cpu: 3, memoryGi: 4 }))).rejects.toThrow(/twice instance.cpu/);
    expect(arm.deploymentsById.size).toBe(0);
  });

  it('says so when ARM gives no error message', () => {
    expect(armErrorMessage(undefined)).toBe('The ARM deployment failed without an error message.');
  });
});
