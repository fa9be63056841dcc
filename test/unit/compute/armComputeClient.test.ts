/**
 * The ARM transport against an in-memory stand-in for Azure Resource Manager: what it deploys (the
 * compiled scorer app template with the mapped parameters), and how the ARM deployment, the
 * container app's revisions and the replicas API become provisioningState, error and scale.
 */
import type { ContainerApp, Replica, Revision } from '@azure/arm-appcontainers';
import type { GenericResource } from '@azure/arm-resources';
import { ArmComputeClient } from '../../../shared/compute/azure/armComputeClient';
import type { ArmOperations } from '../../../shared/compute/azure/armOperations';
import { armErrorMessage } from '../../../shared/compute/azure/scorerAppStatus';
import { scorerAppName, scorerAppParameters } from '../../../shared/compute/azure/scorerAppParameters';
import scorerAppTemplate from '../../../shared/compute/azure/scorerApp.template.json';
import { userRuntimeSettings, type UserRuntime } from '../../../shared/compute/userRuntime';
import type { UserImagePlan } from '../../../shared/compute/azure/userImageDockerfile';
import type { ScorerAppSpec } from '../../../shared/compute/computeTypes';
import {
  COMPUTE_ENV,
  RESOURCE_GROUP,
  SUBSCRIPTION,
  containerSpec,
  customRuntime,
  readArmComputeConfig,
} from './azureFixtures';

const config = readArmComputeConfig(COMPUTE_ENV);
const APP = scorerAppName('fraud-detector', 'blue');

/** A fake ARM: deployments by id, apps by name; tests move them through their states. */
class FakeArm implements ArmOperations {
  deploymentsById = new Map<string, GenericResource>();
  appsByName = new Map<string, ContainerApp>();
  revisions = new Map<string, Revision>();
  replicaList: Replica[] = [];
  /** Replicas of a named revision, when a test gives revisions different replicas. */
  replicasByRevision = new Map<string, Replica[]>();
  /** Log stream answers by URL path, and the requests made to it. */
  logStreams = new Map<string, string>();
  logRequests: { url: string; token: string }[] = [];
  tokensIssued = 0;
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
    replicas: (_rg: string, _name: string, revision: string) =>
      Promise.resolve(this.replicasByRevision.get(revision) ?? this.replicaList),
    authToken: () => Promise.resolve(`log-token-${++this.tokensIssued}`),
  };

  consoleLog = (url: string, token: string) => {
    this.logRequests.push({ url, token });
    return Promise.resolve(this.logStreams.get(new URL(url).pathname) ?? '');
  };

  /** Azure's container app, its latest revision `latest` and its ready one `ready` (`r1`, …), with `more` on top. */
  setApp(latest: string, ready: string, more: Partial<ContainerApp> = {}): void {
    const revisions = { latestRevisionName: `${APP}--${latest}`, latestReadyRevisionName: `${APP}--${ready}` };
    this.appsByName.set(APP, { ...revisions, ...more } as ContainerApp);
  }

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

/** The parameter values an ARM deployment was given. */
function parameterValues(deployment: GenericResource): Record<string, unknown> {
  const parameters = deployment.properties?.parameters as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parameters).map(([name, { value }]) => [name, value]));
}

describe('ARM compute client', () => {
  it('deploys the compiled scorer app template with the mapped parameters, then reports it serving', async () => {
    const arm = new FakeArm();
    arm.onBegin = (id) => {
      arm.settle(id, 'Succeeded');
      arm.setApp('r1', 'r1', { configuration: { ingress: { fqdn: `${APP}.example.io` } } });
      arm.revisions.set(`${APP}--r1`, { replicas: 2 });
      arm.replicaList = [replica('r1-a', 'Running', true), replica('r1-b', 'Running', false)];
    };
    const client = new ArmComputeClient({ config, secretValues: [], operations: arm, sleep: noSleep });
    const status = await client.apply(containerSpec());

    const [id, deployment] = [...arm.deploymentsById.entries()][0]!;
    expect(id).toBe(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Resources/deployments/sibyl-${APP}`,
    );
    expect(deployment.properties?.template).toBe(scorerAppTemplate);
    expect(deployment.properties?.mode).toBe('Incremental');
    expect(parameterValues(deployment)).toEqual(scorerAppParameters(containerSpec(), config));
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
    const client = new ArmComputeClient({
      config,
      secretValues: [],
      operations: arm,
      sleep: noSleep,
      readyTimeoutMs: 0,
    });
    await expect(client.apply(containerSpec())).rejects.toThrow(/was not ready after 0 s/);
    expect((await client.status('fraud-detector', 'blue'))?.provisioningState).toBe('Creating');

    arm.setApp('r2', 'r1');
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
    const client = new ArmComputeClient({ config, secretValues: [], operations: arm, sleep: noSleep });
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
      arm.setApp('r2', 'r1');
      arm.revisions.set(`${APP}--r2`, {
        provisioningState: 'Failed',
        provisioningError: 'Startup probe failed: CUDA execution provider not active',
      });
    };
    const client = new ArmComputeClient({ config, secretValues: [], operations: arm, sleep: noSleep });
    await expect(client.apply(containerSpec())).rejects.toThrow(
      `Revision ${APP}--r2 failed: Startup probe failed: CUDA execution provider not active`,
    );
  });

  it('knows nothing of a deployment never applied, and removes the app then its ARM deployment', async () => {
    const arm = new FakeArm();
    const client = new ArmComputeClient({ config, secretValues: [], operations: arm, sleep: noSleep });
    expect(await client.status('fraud-detector', 'green')).toBeUndefined();
    await client.remove('fraud-detector', 'blue');
    expect(arm.removed).toEqual([`app ${APP}`, `deployment sibyl-${APP}`]);
  });

  it('rejects a spec Container Apps would refuse before calling Azure', async () => {
    const arm = new FakeArm();
    const client = new ArmComputeClient({ config, secretValues: [], operations: arm, sleep: noSleep });
    await expect(client.apply(containerSpec({ cpu: 3, memoryGi: 4 }))).rejects.toThrow(/twice instance.cpu/);
    expect(arm.deploymentsById.size).toBe(0);
  });

  describe('user code', () => {
    /**
     * Applies `spec` on a fake ARM that serves it at once, with an image builder that records what it was
     * asked for; answers those plans and the parameters of the ARM deployment.
     */
    const apply = async (spec: ScorerAppSpec) => {
      const arm = new FakeArm();
      arm.onBegin = (id) => {
        arm.settle(id, 'Succeeded');
        arm.setApp('r1', 'r1');
      };
      const plans: UserImagePlan[] = [];
      const ensure = (plan: UserImagePlan) => {
        plans.push(plan);
        return Promise.resolve(
          plan.kind === 'image' ? plan.image : `crsibyl.azurecr.io/${plan.repository}:${plan.tag}`,
        );
      };
      await new ArmComputeClient({
        config,
        secretValues: [],
        operations: arm,
        sleep: noSleep,
        images: { ensure },
      }).apply(spec);
      return { plans, parameters: parameterValues([...arm.deploymentsById.values()][0]!) };
    };
    const userCode = (runtime: UserRuntime, more: Partial<ScorerAppSpec> = {}): ScorerAppSpec =>
      containerSpec({ runtime: runtime.runtime, settings: userRuntimeSettings(runtime), ...more });

    it("deploys a python environment's image, built from Sibyl's Dockerfile, on the scorer's port", async () => {
      const runtime: UserRuntime = {
        runtime: 'python',
        python: { pythonVersion: '3.12', pip: ['numpy==1.26.4'] },
        environmentHash: 'env-hash-1',
        variables: {},
      };
      const { plans, parameters } = await apply(userCode(runtime));
      expect(plans).toHaveLength(1);
      const plan = plans[0]!;
      if (plan.kind !== 'build') throw new Error('expected a build');
      expect(plan.dockerfile).toContain(`COPY --from=${config.image} /app /app`);
      expect(parameters).toMatchObject({
        image: `crsibyl.azurecr.io/sibyl-environments/python:${plan.tag}`,
        targetPort: 8080,
      });
      expect(parameters.healthPaths).toBeUndefined();
    });

    it("runs a custom server's image beside the scorer, which stays the ingress target with its own probes", async () => {
      const { plans, parameters } = await apply(userCode(customRuntime()));
      expect(plans).toEqual([{ kind: 'image', image: 'docker.io/acme/oip:2', port: 9000 }]);
      expect(parameters).toMatchObject({
        image: config.image,
        targetPort: 8080,
        sidecar: { image: 'docker.io/acme/oip:2', port: 9000, liveness: '/live', env: { PORT: '9000' } },
      });
      expect(parameters.healthPaths).toBeUndefined();
      expect((parameters.settings as Record<string, string>).SIBYL_SCORER_SIDECAR_DIR).toBe('/mnt/sibyl');
    });

    it('runs the image built from a custom dockerfile beside the scorer too', async () => {
      const runtime = customRuntime({ image: undefined, port: 5001, protocol: 'azureml' });
      const { parameters } = await apply(userCode(runtime, { dockerfile: 'FROM python:3.12\n' }));
      expect(parameters.image).toBe(config.image);
      expect((parameters.sidecar as { image: string }).image).toMatch(
        /^crsibyl\.azurecr\.io\/sibyl-environments\/custom:/,
      );
    });

    it('builds nothing for an onnx deployment', async () => {
      const { plans, parameters } = await apply(containerSpec());
      expect(plans).toEqual([]);
      expect(parameters.image).toBe(config.image);
    });
  });

  describe('logs', () => {
    const STREAM_HOST = 'https://swedencentral.azurecontainerapps.dev';
    const streamPath = (revision: string, replica: string) =>
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/containerApps/${APP}` +
      `/revisions/${revision}/replicas/${replica}/containers/scorer/logstream`;
    const withStream = (name: string, revision: string): Replica => ({
      ...replica(name, 'Running', true),
      containers: [{ name: 'scorer', ready: true, logStreamEndpoint: `${STREAM_HOST}${streamPath(revision, name)}` }],
    });
    it("reads each replica's log stream of the serving and the latest revision with the app's token", async () => {
      const arm = new FakeArm();
      arm.setApp('r2', 'r1');
      arm.replicasByRevision.set(`${APP}--r1`, [withStream('r1-a', `${APP}--r1`)]);
      arm.replicasByRevision.set(`${APP}--r2`, [withStream('r2-a', `${APP}--r2`)]);
      arm.logStreams.set(
        streamPath(`${APP}--r1`, 'r1-a'),
        [
          '{"TimeStamp":"2026-12-04T10:00:01.5","Log":"Sibyl scorer listening on port 8080"}',
          '{"TimeStamp":"2026-12-04T10:00:03","Log":"key is the-scorer-key-that-must-not-show"}',
          '',
        ].join('\n'),
      );
      arm.logStreams.set(
        streamPath(`${APP}--r2`, 'r2-a'),
        '{"TimeStamp":"2026-12-04T10:00:02","Log":"init failed; storage AccountKey=abc123def456=="}\nnot json at all\n',
      );
      // The app's secret settings' values, as its config holds them (here the scorer key).
      const secretValues = ['the-scorer-key-that-must-not-show'];
      const client = new ArmComputeClient({ config, secretValues, operations: arm, sleep: noSleep });

      const lines = await client.logs('fraud-detector', 'blue', 1000);

      expect(arm.tokensIssued).toBe(1);
      expect(arm.logRequests.map((r) => r.token)).toEqual(['log-token-1', 'log-token-1']);
      const urls = arm.logRequests.map((r) => new URL(r.url));
      expect(urls.map((u) => `${u.origin}${u.pathname}`).sort()).toEqual(
        [
          `${STREAM_HOST}${streamPath(`${APP}--r1`, 'r1-a')}`,
          `${STREAM_HOST}${streamPath(`${APP}--r2`, 'r2-a')}`,
        ].sort(),
      );
      // The stream serves at most 300 past lines; it is read once, not followed.
      for (const url of urls)
        expect(Object.fromEntries(url.searchParams)).toEqual({ follow: 'false', output: 'json', tailLines: '300' });
      expect(lines).toEqual([
        { replica: 'r2-a', stream: 'stdout', time: '', text: 'not json at all' },
        {
          replica: 'r1-a',
          stream: 'stdout',
          time: new Date('2026-12-04T10:00:01.5').toISOString(),
          text: 'Sibyl scorer listening on port 8080',
        },
        {
          replica: 'r2-a',
          stream: 'stdout',
          time: new Date('2026-12-04T10:00:02').toISOString(),
          text: 'init failed; storage AccountKey=[REDACTED]',
        },
        {
          replica: 'r1-a',
          stream: 'stdout',
          time: new Date('2026-12-04T10:00:03').toISOString(),
          text: 'key is [REDACTED]',
        },
      ]);
      expect((await client.logs('fraud-detector', 'blue', 1))!.filter((l) => l.replica === 'r1-a')).toHaveLength(1);
    });

    it('answers undefined for an app that does not exist, and no lines (and asks no token) without replicas', async () => {
      const arm = new FakeArm();
      const client = new ArmComputeClient({ config, secretValues: [], operations: arm, sleep: noSleep });
      expect(await client.logs('fraud-detector', 'blue', 100)).toBeUndefined();
      arm.setApp('r1', 'r1');
      expect(await client.logs('fraud-detector', 'blue', 100)).toEqual([]);
      expect(arm.tokensIssued).toBe(0);
    });
  });

  it('says so when ARM gives no error message', () => {
    expect(armErrorMessage(undefined)).toBe('The ARM deployment failed without an error message.');
  });
});
