/**
 * Pipelines over REST in the emulator: drafts, publish-time validation, immutable versions, runs with
 * parameters (one child run per step, outputs of one step feeding the next), a failing step, and a
 * disabled version.
 */
import { batchScoreStep, pipelineSuite, readBlob, type RunView, transferStep } from './pipelineHarness';

const { ds, lake: container, client } = pipelineSuite('rest', { prefix: 'landing/' });

/** Copies the input to a per-run staging folder, then moves that copy to an archive folder. */
const stageAndArchive = {
  description: 'stage then archive',
  parameters: { inputPath: 'incoming/default.csv', tag: 'none' },
  steps: [
    transferStep('stage', 'copy', ds, '${parameters.inputPath}', 'staging/${run.id}/'),
    transferStep('archive', 'move', ds, '${steps.stage.outputs.path}', 'archive/${parameters.tag}/'),
  ],
};

describe('pipelines over REST', () => {
  it('saves a draft, publishes immutable versions and lists them', async () => {
    const draft = await client.expect<{ status: string; steps: unknown[] }>(
      201,
      'PUT',
      'api/pipelines/stage-archive',
      stageAndArchive,
    );
    expect(draft.status).toBe('Draft');
    expect((await client.call('PUT', 'api/pipelines/stage-archive', stageAndArchive)).status).toBe(200);

    const first = await client.expect<{ name: string; version: number; runUri: string }>(
      201,
      'POST',
      'api/pipelines/stage-archive/publish',
    );
    expect(first).toEqual({
      name: 'stage-archive',
      version: 1,
      runUri: `${client.host.baseUrl}/api/pipelines/stage-archive/versions/1/runs`,
    });
    // A later draft does not change version 1.
    await client.expect(200, 'PUT', 'api/pipelines/stage-archive', { ...stageAndArchive, description: 'second' });
    expect((await client.expect<{ version: number }>(201, 'POST', 'api/pipelines/stage-archive/publish')).version).toBe(
      2,
    );
    const v1 = await client.expect<{ description: string; enabled: boolean }>(
      200,
      'GET',
      'api/pipelines/stage-archive/versions/1',
    );
    expect(v1).toMatchObject({ description: 'stage then archive', enabled: true });
    const versions = await client.expect<{ value: { version: number }[] }>(
      200,
      'GET',
      'api/pipelines/stage-archive/versions',
    );
    expect(versions.value.map((v) => v.version)).toEqual([1, 2]);
    expect(await client.expect<{ latestVersion: number }>(200, 'GET', 'api/pipelines/stage-archive')).toMatchObject({
      latestVersion: 2,
    });
  });

  it('runs a version with parameters: a run with one child per step, outputs feeding the next step', async () => {
    await container.createIfNotExists();
    await container.getBlockBlobClient('landing/incoming/day1.csv').upload('a,b\n1,2\n', 8);
    const run = await client.expect<RunView>(202, 'POST', 'api/pipelines/stage-archive/versions/1/runs', {
      parameters: { inputPath: 'incoming/day1.csv', tag: 'june' },
    });
    expect(run).toMatchObject({
      kind: 'pipeline',
      status: 'Queued',
      pipeline: 'stage-archive:1',
      experiment: 'stage-archive',
      parameters: { inputPath: 'incoming/day1.csv', tag: 'june' },
    });
    expect(run.children).toEqual([`${run.id}.stage`, `${run.id}.archive`]);

    const done = await client.waitForRun(run.id);
    expect(done.status).toBe('Completed');
    expect(done.outputs.archive).toEqual({ datastore: ds, path: 'archive/june/day1.csv', files: 1 });
    expect(done.metrics.files).toBe(2);
    const [stage, archive] = await client.twoSteps(run);
    expect(stage).toMatchObject({
      kind: 'copy',
      status: 'Completed',
      parentRunId: run.id,
      parameters: { from: `${ds}:incoming/day1.csv`, to: `${ds}:staging/${run.id}/` },
    });
    expect(archive).toMatchObject({
      kind: 'move',
      status: 'Completed',
      parameters: { from: `${ds}:staging/${run.id}/day1.csv` },
    });
    expect(await readBlob(container, 'landing/incoming/day1.csv')).toBe('a,b\n1,2\n');
    expect(await readBlob(container, `landing/staging/${run.id}/day1.csv`)).toBeUndefined();
    expect(await readBlob(container, 'landing/archive/june/day1.csv')).toBe('a,b\n1,2\n');
    const logs = await client.expect<{ value: { message: string }[] }>(200, 'GET', `api/runs/${run.id}/logs`);
    expect(logs.value.map((l) => l.message).join('\n')).toMatch(/moved 1 file/);
  });

  it('fails the run at a failing step and cancels the steps after it', async () => {
    const run = await client.expect<RunView>(202, 'POST', 'api/pipelines/stage-archive/versions/1/runs', {
      parameters: { inputPath: 'incoming/missing.csv' },
    });
    const done = await client.waitForRun(run.id);
    expect(done.status).toBe('Failed');
    expect(done.error?.message).toMatch(
      /Step 'stage' failed: Nothing to copy: no blob matches 'incoming\/missing.csv'/,
    );
    const [stage, archive] = await client.twoSteps(run);
    expect(stage.status).toBe('Failed');
    expect(archive).toMatchObject({ status: 'Canceled', error: { code: 'StepSkipped' } });
  });

  it('refuses unknown parameters, and runs of a disabled version until it is enabled again', async () => {
    const unknown = await client.call<{ error: { message: string } }>(
      'POST',
      'api/pipelines/stage-archive/versions/1/runs',
      { parameters: { inptPath: 'x' } },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/has no parameter 'inptPath'; its parameters are inputPath, tag/);
    expect((await client.call('POST', 'api/pipelines/stage-archive/versions/9/runs')).status).toBe(404);

    expect(
      await client.expect<{ enabled: boolean }>(200, 'PATCH', 'api/pipelines/stage-archive/versions/2', {
        enabled: false,
      }),
    ).toMatchObject({ enabled: false });
    const refused = await client.call<{ error: { code: string; message: string } }>(
      'POST',
      'api/pipelines/stage-archive/versions/2/runs',
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/stage-archive:2 is disabled/);
    await client.expect(200, 'PATCH', 'api/pipelines/stage-archive/versions/2', { enabled: true });
    // No body: every parameter keeps its default (the default input does not exist, so the run fails; it did start).
    const run = await client.expect<RunView>(202, 'POST', 'api/pipelines/stage-archive/versions/2/runs');
    expect(run.parameters).toEqual({ inputPath: 'incoming/default.csv', tag: 'none' });
  });

  it('refuses bad definitions with the reason', async () => {
    const cycle = {
      steps: [
        { ...stageAndArchive.steps[0], from: { datastore: ds, path: '${steps.archive.outputs.path}' } },
        stageAndArchive.steps[1],
      ],
    };
    const [cyclic, unknownKind] = await Promise.all([
      client.call<{ error: { message: string } }>('PUT', 'api/pipelines/bad', cycle),
      client.call<{ error: { message: string } }>('PUT', 'api/pipelines/bad', {
        steps: [{ name: 'fit', kind: 'train' }],
      }),
    ]);
    expect([cyclic.status, unknownKind.status]).toEqual([400, 400]);
    expect(cyclic.body.error.message).toMatch(/cycle: stage → archive → stage/);
    expect(unknownKind.body.error.message).toMatch(/unknown kind "train"/);
  });

  it('refuses to publish steps that name a missing datastore or deployment, or a parameter that is not declared', async () => {
    const copy = (from: Record<string, string>) => ({
      steps: [{ name: 'c', kind: 'copy', from, to: { datastore: ds, path: 'x/' } }],
    });
    const score = { steps: [batchScoreStep('score', ds, { deployment: 'nosuch/blue' }, 'in/', 'out/')] };
    const cases: [string, unknown, RegExp][] = [
      [
        'no-datastore',
        copy({ datastore: 'nowhere', path: 'a.csv' }),
        /Step 'c' from\.datastore: Datastore 'nowhere' does not exist/,
      ],
      [
        'no-parameter',
        copy({ datastore: ds, path: '${parameters.day}' }),
        /\$\{parameters\.day\} is not a parameter of this pipeline/,
      ],
      ['no-deployment', score, /Step 'score' job\.deployment: .*nosuch/],
    ];
    for (const [name, definition, reason] of cases) {
      await client.expect(201, 'PUT', `api/pipelines/${name}`, definition);
      const answer = await client.call<{ error: { message: string } }>('POST', `api/pipelines/${name}/publish`);
      expect({ name, status: answer.status }).toEqual({ name, status: 400 });
      expect(answer.body.error.message).toMatch(reason);
    }
    expect((await client.call('POST', 'api/pipelines/never-saved/publish')).status).toBe(404);
  });
});
