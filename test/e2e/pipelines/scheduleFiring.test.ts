/**
 * The schedule services in-process against the test run's Cosmos server and Azurite (a database of
 * their own): concurrent timer runs for one tick start one run, one blob version fires once, a
 * rewritten blob fires again, a non-matching path never fires, and a fire of a disabled pipeline
 * version is recorded as Failed in the history. The starter is a recorder, so no orchestration runs.
 */
import { randomBytes } from 'node:crypto';
import { putDatastore } from '../../../shared/datastores/datastoreStore';
import { parsePipelineDefinition } from '../../../shared/pipelines/pipelineChecks';
import { publishPipeline, savePipelineDraft, setPipelineVersionEnabled } from '../../../shared/pipelines/pipelineStore';
import { BlobServiceClient } from '@azure/storage-blob';
import { fireOnBlobChange } from '../../../shared/schedules/blobFiring';
import { pollDataChangeSchedules } from '../../../shared/schedules/blobPolling';
import { fireDueCronSchedules } from '../../../shared/schedules/cronFiring';
import { parseSchedule } from '../../../shared/schedules/ncrontab';
import { getSchedule, putSchedule } from '../../../shared/schedules/scheduleStore';
import { ensureCosmosContainers } from '../../../shared/storage/cosmosDatabase';
import { readRun } from '../../../shared/workspace/runStore';

const id = randomBytes(3).toString('hex');
const container = `pl-firing-${id}`;
const datastore = `firing_${id}`;
const scheduler = parseSchedule('* * * * * *');
const quiet = () => undefined;

/** A starter that records which runs it was asked to start. */
function recorder(): { started: string[]; start: (runId: string) => Promise<void> } {
  const started: string[] = [];
  return {
    started,
    start: (runId) => {
      started.push(runId);
      return Promise.resolve();
    },
  };
}

beforeAll(async () => {
  Object.assign(process.env, {
    AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
    COSMOS_ENDPOINT: process.env.SIBYL_TEST_COSMOS_ENDPOINT,
    COSMOS_KEY: process.env.SIBYL_TEST_COSMOS_KEY,
    COSMOS_DATABASE: `pipelines-firing-${id}`,
  });
  await ensureCosmosContainers();
  await putDatastore(datastore, { container, prefix: 'data/' });
  const definition = parsePipelineDefinition({
    parameters: { inputPath: 'none' },
    steps: [
      {
        name: 'keep',
        kind: 'copy',
        from: { datastore, path: '${parameters.inputPath}' },
        to: { datastore, path: 'kept/' },
      },
    ],
  });
  await savePipelineDraft('keeper', definition);
  await publishPipeline('keeper', 'http://localhost');
}, 60_000);

describe('cron fires', () => {
  it('starts one run for a tick however many timer runs see it at once', async () => {
    const createdAt = new Date(Date.now() - 10_000);
    await putSchedule(
      'every-second',
      { pipeline: 'keeper:1', enabled: true, trigger: { cron: '* * * * * *', startTime: createdAt.toISOString() } },
      { watchedContainer: container },
    );
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 2500);
    const { started, start } = recorder();
    const rounds = await Promise.all(
      Array.from({ length: 4 }, () => fireDueCronSchedules({ now, scheduler, start, log: quiet })),
    );
    const fires = rounds.flat().filter((f) => f.schedule === 'every-second');
    expect(new Set(fires.map((f) => f.runId)).size).toBe(1);
    expect(fires.map((f) => f.outcome).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'started']);
    expect(started).toEqual([fires[0]!.runId]);
    expect(fires[0]!.fireTime).toBe(new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString());

    // The same tick seen again later (a retried timer) is not due any more; the history has it once.
    await fireDueCronSchedules({ now, scheduler, start, log: quiet });
    expect(started).toHaveLength(1);
    const { history } = await getSchedule('every-second');
    expect(history).toEqual([
      expect.objectContaining({ runId: started[0], fireTime: fires[0]!.fireTime, status: 'Queued' }),
    ]);
  });

  it('records a fire of a disabled pipeline version as a Failed run', async () => {
    await savePipelineDraft(
      'paused-pipeline',
      parsePipelineDefinition({
        steps: [{ name: 'c', kind: 'copy', from: { datastore, path: 'a' }, to: { datastore, path: 'b/' } }],
      }),
    );
    await publishPipeline('paused-pipeline', 'http://localhost');
    await setPipelineVersionEnabled('paused-pipeline', 1, false, 'http://localhost');
    await putSchedule(
      'on-paused',
      { pipeline: 'paused-pipeline:1', trigger: { cron: '* * * * * *' } },
      { watchedContainer: container },
    );
    const { started, start } = recorder();
    const fires = await fireDueCronSchedules({ now: new Date(Date.now() + 2000), scheduler, start, log: quiet });
    const fire = fires.find((f) => f.schedule === 'on-paused');
    expect(fire?.outcome).toBe('failed');
    expect(started).not.toContain(fire?.runId);
    expect(await readRun(fire!.runId)).toMatchObject({
      status: 'Failed',
      schedule: 'on-paused',
      error: { code: 'Conflict' },
    });
    expect((await getSchedule('on-paused')).history[0]).toMatchObject({ runId: fire!.runId, status: 'Failed' });
  });
});

describe('blob fires', () => {
  it('fires once per blob version, again when the blob is rewritten, never for a path that does not match', async () => {
    await putSchedule(
      'on-landing',
      { pipeline: 'keeper:1', parameters: {}, trigger: { datastore, pathPattern: 'incoming/**/*.csv' } },
      { watchedContainer: container },
    );
    const { started, start } = recorder();
    const soon = new Date(Date.now() + 1000);
    const v1 = { container, name: 'data/incoming/2024/a.csv', etag: '"0x1"', lastModified: soon };
    const first = await Promise.all([
      fireOnBlobChange(v1, { start, log: quiet }),
      fireOnBlobChange(v1, { start, log: quiet }),
    ]);
    expect(
      first
        .flat()
        .map((f) => f.outcome)
        .sort(),
    ).toEqual(['duplicate', 'started']);
    expect(started).toHaveLength(1);
    expect(await readRun(started[0]!)).toMatchObject({
      parameters: { inputPath: 'incoming/2024/a.csv' },
      schedule: 'on-landing',
    });

    await fireOnBlobChange({ ...v1, etag: '"0x2"' }, { start, log: quiet });
    expect(started).toHaveLength(2);

    for (const name of ['data/incoming/a.json', 'data/elsewhere/a.csv', 'incoming/a.csv', 'data/incoming.csv']) {
      expect(await fireOnBlobChange({ ...v1, name }, { start, log: quiet })).toEqual([]);
    }
    expect(await fireOnBlobChange({ ...v1, container: 'other-container' }, { start, log: quiet })).toEqual([]);
    // A blob written well before the schedule existed is old data, not a change.
    expect(
      await fireOnBlobChange(
        { ...v1, etag: '"0x3"', lastModified: new Date(Date.now() - 3600_000) },
        { start, log: quiet },
      ),
    ).toEqual([]);
    expect(started).toHaveLength(2);
    const { history } = await getSchedule('on-landing');
    expect(history.map((h) => h.path)).toEqual(['incoming/2024/a.csv', 'incoming/2024/a.csv']);
  });

  it('refuses a change-based schedule on a datastore outside the watched container', async () => {
    await putDatastore(`${datastore}_far`, { container: `${container}-far` });
    await expect(
      putSchedule(
        'far',
        { pipeline: 'keeper:1', trigger: { datastore: `${datastore}_far`, pathPattern: '*.csv' } },
        { watchedContainer: container },
      ),
    ).rejects.toThrow(/blob events are watched in container .*or set pollingIntervalSeconds/);
    await expect(
      putSchedule(
        'no-param',
        { pipeline: 'keeper:1', trigger: { datastore, pathPattern: '*.csv', parameterName: 'file' } },
        { watchedContainer: container },
      ),
    ).rejects.toThrow(/has no parameter 'file'/);
  });

  it('polls a datastore once per pollingIntervalSeconds, firing each blob version once, also outside the watched container', async () => {
    const far = `${datastore}_polled`;
    const farContainer = BlobServiceClient.fromConnectionString(
      process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
    ).getContainerClient(`${container}-polled`);
    await farContainer.createIfNotExists();
    await putDatastore(far, { container: farContainer.containerName, prefix: 'lake/' });
    await putSchedule(
      'polled',
      { pipeline: 'keeper:1', trigger: { datastore: far, pathPattern: 'in/*.csv', pollingIntervalSeconds: 60 } },
      { watchedContainer: container },
    );
    const upload = async (name: string, body: string) =>
      (await farContainer.getBlockBlobClient(`lake/${name}`).upload(body, body.length)).etag!;
    const aEtag = await upload('in/a.csv', 'x\n1\n');
    await upload('in/skip.txt', 'no');
    await upload('elsewhere/c.csv', 'no');
    const { started, start } = recorder();
    const polledFires = async (now: Date) =>
      (await pollDataChangeSchedules({ now, start, log: quiet })).filter((f) => f.schedule === 'polled');

    // A blob event does not fire a polling schedule; the poll does.
    expect(
      await fireOnBlobChange(
        { container: farContainer.containerName, name: 'lake/in/a.csv', etag: aEtag },
        { start, log: quiet },
      ),
    ).toEqual([]);
    const t0 = new Date();
    expect((await polledFires(t0)).map((f) => [f.path, f.outcome])).toEqual([['in/a.csv', 'started']]);
    // Within the interval the datastore is not listed again, even with a new blob in it.
    await upload('in/b.csv', 'x\n2\n');
    expect(await polledFires(new Date(t0.getTime() + 30_000))).toEqual([]);
    // Next interval: the new blob fires; the old version is a duplicate, not a second run.
    const second = await polledFires(new Date(t0.getTime() + 61_000));
    expect(second.map((f) => [f.path, f.outcome]).sort()).toEqual([
      ['in/a.csv', 'duplicate'],
      ['in/b.csv', 'started'],
    ]);
    // A rewritten blob is a new version: one more run.
    await upload('in/a.csv', 'x\n3\n');
    const third = await polledFires(new Date(t0.getTime() + 122_000));
    expect(third.filter((f) => f.outcome === 'started').map((f) => f.path)).toEqual(['in/a.csv']);
    expect(started).toHaveLength(3);
    const { history } = await getSchedule('polled');
    expect(history.map((h) => h.path).sort()).toEqual(['in/a.csv', 'in/a.csv', 'in/b.csv']);
  });
});
