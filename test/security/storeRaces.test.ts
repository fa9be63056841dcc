/**
 * Security items 2, 8 and 9 against the real Cosmos server and Azurite, in process: reserved
 * containers refused for datastores, "no such endpoint" remembered briefly, and concurrent writes —
 * one compare-and-swap helper, `If-Match` answered 412 on a stale version, and a delete that races a
 * deployment write leaving no orphan behind.
 */
import { randomBytes } from 'node:crypto';
import { putDatastore } from '../../shared/datastores/datastoreStore';
import { containerOf } from '../../shared/datastores/datastorePaths';
import { RESERVED_CONTAINERS } from '../../shared/datastores/reservedContainers';
import type { DeploymentDoc, EndpointDoc } from '../../shared/endpoints/endpointDocuments';
import { deleteEndpoint, putEndpoint } from '../../shared/endpoints/endpointService';
import { getSnapshot, readSnapshot } from '../../shared/endpoints/endpointStore';
import { saveDeploymentDoc } from '../../shared/endpoints/deploymentWrites';
import { parsePipelineDefinition } from '../../shared/pipelines/pipelineChecks';
import { publishPipeline, savePipelineDraft, setPipelineVersionEnabled } from '../../shared/pipelines/pipelineStore';
import { putSchedule, readSchedule } from '../../shared/schedules/scheduleStore';
import { ensureCosmosContainers, getContainer } from '../../shared/storage/cosmosDatabase';
import { updateWithEtag } from '../../shared/storage/updateWithEtag';
import { bareEndpointDoc } from '../support/endpointDocs';
import { refusal } from '../support/refusal';

const RUN = randomBytes(3).toString('hex');
const BASE = 'http://localhost';

beforeAll(async () => {
  Object.assign(process.env, {
    AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
    COSMOS_ENDPOINT: process.env.SIBYL_TEST_COSMOS_ENDPOINT,
    COSMOS_KEY: process.env.SIBYL_TEST_COSMOS_KEY,
    COSMOS_DATABASE: `security-${RUN}`,
    SIBYL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    SIBYL_TOKEN_SIGNING_KEY: randomBytes(32).toString('base64url'),
  });
  await ensureCosmosContainers();
}, 60_000);

describe('reserved containers never back a datastore (item 2)', () => {
  it.each([
    'models',
    'sibyl-batch',
    'deploymentpackage',
    'azure-webjobs-secrets',
    'azure-webjobs-hosts',
    'sibylhub-leases',
    'myhub-largemessages',
    'app-package-sibyl-1a2b',
  ])('refuses %s with a 400 naming the reserved containers', async (container) => {
    const error = await refusal(putDatastore(`evil_${RUN}`, { container }));
    expect(error.status).toBe(400);
    expect(error.message).toContain(`'${container}' is reserved`);
    for (const name of RESERVED_CONTAINERS) expect(error.message).toContain(name);
    expect(error.message).toContain('azure-webjobs-*');
  });

  it('still accepts a container of the user', async () => {
    const { datastore } = await putDatastore(`landing_${RUN}`, { container: `landing-${RUN}` });
    expect(datastore.container).toBe(`landing-${RUN}`);
  });

  it('refuses a reserved container stored before the rule existed when it is used', () => {
    expect(() => containerOf({ name: 'old', container: 'models' })).toThrow(/reserved/);
  });
});

describe('unknown endpoints are remembered briefly (item 8)', () => {
  it('answers a repeated probe from memory, and forgets it when the endpoint is created here', async () => {
    const name = `probe-${RUN}`;
    await expect(getSnapshot(name)).rejects.toMatchObject({ code: 'EndpointNotFound' });
    // Written behind the app's back (as another instance would): the remembered answer still holds.
    await getContainer('endpoints').items.create(bareEndpointDoc(name, 'key'));
    await expect(getSnapshot(name)).rejects.toMatchObject({ code: 'EndpointNotFound' });
    // The control plane reads fresh, and a write through this instance forgets the negative answer.
    expect((await getSnapshot(name, { fresh: true })).endpoint.endpoint).toBe(name);
    await deleteEndpoint(name);
    await expect(getSnapshot(name)).rejects.toMatchObject({ code: 'EndpointNotFound' });
    await putEndpoint(name, { authMode: 'key' }, BASE);
    expect((await getSnapshot(name)).endpoint.endpoint).toBe(name);
  });
});

describe('concurrent writes (item 9)', () => {
  it('updateWithEtag loses no increment under 20 concurrent writers', async () => {
    const container = getContainer('schedules');
    const id = `counter-${RUN}`;
    type Counter = { id: string; name: string; type: string; n: number };
    await Promise.all(
      Array.from({ length: 20 }, () =>
        updateWithEtag<Counter>(container, id, id, (doc) =>
          doc ? { ...doc, n: doc.n + 1 } : { id, name: id, type: 'test', n: 1 },
        ),
      ),
    );
    const { resource } = await container.item(id, id).read<Counter>();
    expect(resource?.n).toBe(20);
  });

  it('If-Match: the current ETag writes, a stale one answers 412 and changes nothing', async () => {
    const name = `etag-${RUN}`;
    const first = await putEndpoint(name, { authMode: 'key', description: 'one' }, BASE);
    const second = await putEndpoint(name, { authMode: 'key', description: 'two' }, BASE, { ifMatch: first.etag });
    expect(second.endpoint.description).toBe('two');
    const stale = await refusal(
      putEndpoint(name, { authMode: 'key', description: 'three' }, BASE, { ifMatch: first.etag }),
    );
    expect(stale).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect((await getSnapshot(name, { fresh: true })).endpoint.description).toBe('two');
    // If-Match on something that does not exist yet is a 412 too, never a silent create.
    await expect(
      putEndpoint(`etag-none-${RUN}`, { authMode: 'key' }, BASE, { ifMatch: first.etag }),
    ).rejects.toMatchObject({ status: 412 });

    const definition = parsePipelineDefinition({
      steps: [
        {
          name: 'copy',
          kind: 'copy',
          from: { datastore: 'workspaceblobstore', path: 'a/' },
          to: { datastore: 'workspaceblobstore', path: 'b/' },
        },
      ],
    });
    const pipeline = await savePipelineDraft(`etag-${RUN}`, definition);
    await savePipelineDraft(`etag-${RUN}`, definition, { ifMatch: pipeline.etag });
    await expect(savePipelineDraft(`etag-${RUN}`, definition, { ifMatch: pipeline.etag })).rejects.toMatchObject({
      status: 412,
    });

    await publishPipeline(`etag-${RUN}`, BASE);
    await expect(
      setPipelineVersionEnabled(`etag-${RUN}`, 1, false, BASE, { ifMatch: '"stale"' }),
    ).rejects.toMatchObject({ status: 412 });
    const spec = { pipeline: `etag-${RUN}:1`, enabled: true, trigger: { cron: '0 0 2 * * *' } };
    const schedule = await putSchedule(`etag-${RUN}`, spec, { watchedContainer: 'workspaceblobstore' });
    expect((await readSchedule(`etag-${RUN}`)).etag).toBe(schedule.etag);
    // The dashboard's toggle: re-read, then write back only that version.
    const toggled = await putSchedule(
      `etag-${RUN}`,
      { ...spec, enabled: false },
      { watchedContainer: 'workspaceblobstore', ifMatch: schedule.etag },
    );
    expect(toggled.schedule.enabled).toBe(false);
    await expect(
      putSchedule(`etag-${RUN}`, spec, { watchedContainer: 'workspaceblobstore', ifMatch: schedule.etag }),
    ).rejects.toMatchObject({ status: 412 });
    expect((await readSchedule(`etag-${RUN}`)).schedule.enabled).toBe(false);
  });

  it('a deployment written while its endpoint is deleted never reappears under a re-created endpoint', async () => {
    const name = `race-${RUN}`;
    await putEndpoint(name, { authMode: 'key' }, BASE);
    const endpoint = (await getSnapshot(name, { fresh: true })).endpoint;
    const doc = (deployment: string, of: EndpointDoc): DeploymentDoc => ({
      id: `deployment:${deployment}`,
      type: 'deployment',
      endpoint: name,
      name: deployment,
      model: 'm:1',
      modelName: 'm',
      modelVersion: 1,
      environment: 'ort-cpu@1',
      instance: {},
      batching: {},
      requestTimeoutMs: 1000,
      provisioningState: 'Succeeded',
      endpointCreatedAt: of.createdAt,
      createdAt: of.createdAt,
      updatedAt: of.createdAt,
    });
    // The write lands after the delete swept the partition: it must remove itself and say so.
    await deleteEndpoint(name);
    await expect(saveDeploymentDoc(doc('late', endpoint))).rejects.toMatchObject({ code: 'EndpointNotFound' });
    // Many writes racing one delete: whatever the interleaving, none survives it.
    await putEndpoint(name, { authMode: 'key' }, BASE);
    const second = (await getSnapshot(name, { fresh: true })).endpoint;
    await Promise.allSettled([
      ...['d-one', 'd-two', 'd-three'].map((d) => saveDeploymentDoc(doc(d, second))),
      deleteEndpoint(name),
    ]);
    await putEndpoint(name, { authMode: 'key' }, BASE);
    const snapshot = await readSnapshot(name);
    expect(snapshot?.deployments.map((d) => d.name)).toEqual([]);
    const { resources } = await getContainer('endpoints')
      .items.query({
        query: "SELECT c.id FROM c WHERE c.endpoint = @n AND c.type = 'deployment'",
        parameters: [{ name: '@n', value: name }],
      })
      .fetchAll();
    expect(resources).toEqual([]);
  });
});
