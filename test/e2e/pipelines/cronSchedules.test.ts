/**
 * Cron schedules in the emulator, with the scheduler timer running every second on two hosts that
 * share one workspace (two instances of the app): a schedule every 3 s fires on time and once per
 * tick, extra timer runs change nothing, a disabled schedule never fires, ticks missed while every
 * host is down fire once, marked late, and bad definitions answer 400 with the reason.
 */
import { pollUntil } from '../../support/poll';
import {
  blobContainer,
  isolation,
  startPipelineHost,
  type FiringView,
  type PipelineClient,
  type RunView,
  transferStep,
} from './pipelineHarness';

const names = isolation('cron');
const ds = names.datastore;
const everySecond = { SIBYL_SCHEDULER_CRON: '* * * * * *' };
let a: PipelineClient;
let b: PipelineClient;

/** Runs the scheduler timer of a host now, as the admin route does (a second timer run for the same tick). */
async function fireTimerNow(client: PipelineClient): Promise<void> {
  const res = await fetch(`${client.host.baseUrl}/admin/functions/scheduleTimer`, {
    method: 'POST',
    headers: { 'x-functions-key': client.host.masterKey },
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  a = await startPipelineHost(names, everySecond);
  await a.expect(201, 'PUT', `api/datastores/${ds}`, { container: names.container });
  await blobContainer(names.container).getBlockBlobClient('tick.txt').upload('tick', 4);
  await a.publish('ticker', {
    parameters: { inputPath: 'tick.txt' },
    steps: [transferStep('copy', 'copy', ds, '${parameters.inputPath}', 'ticks/${run.id}/')],
  });
  b = await startPipelineHost(names, everySecond);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.host.stop(), b?.host.stop()]);
});

describe('cron schedules', () => {
  it('fires every tick on time, once per tick, with two instances and extra timer runs', async () => {
    const created = await a.expect<{ nextFireTime: string }>(201, 'PUT', 'api/schedules/every-3s', {
      pipeline: 'ticker:1',
      trigger: { cron: '*/3 * * * * *' },
    });
    expect(Date.parse(created.nextFireTime) % 3000).toBe(0);
    await a.expect(201, 'PUT', 'api/schedules/paused', {
      pipeline: 'ticker:1',
      enabled: false,
      trigger: { cron: '* * * * * *' },
    });
    // Extra timer runs on both hosts while the ticks go by.
    const extra = setInterval(() => void Promise.all([fireTimerNow(a), fireTimerNow(b)]).catch(() => undefined), 700);
    let history: FiringView[];
    try {
      history = await a.waitForFires('every-3s', 4);
    } finally {
      clearInterval(extra);
    }
    const ticks = history.map((h) => Date.parse(h.fireTime)).sort((x, y) => x - y);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(new Set(history.map((h) => h.runId)).size).toBe(history.length);
    for (const [i, tick] of ticks.entries()) {
      expect(tick % 3000).toBe(0);
      if (i > 0) expect(tick - ticks[i - 1]!).toBe(3000);
    }
    expect(history.every((h) => !h.late)).toBe(true);
    const runs = await Promise.all(history.map((h) => a.waitForRun(h.runId)));
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'Completed', schedule: 'every-3s', pipeline: 'ticker:1' });
      const fireTime = Date.parse(history.find((h) => h.runId === run.id)!.fireTime);
      // Punctuality is the schedule's own verdict (`late` above), not a wall-clock window a loaded machine can miss.
      expect(Date.parse(run.createdAt) - fireTime).toBeGreaterThanOrEqual(0);
    }
    // Every run the schedule started is in its history: no tick started a second run.
    const all = await a.expect<{ value: RunView[] }>(200, 'GET', 'api/runs?experiment=ticker&top=1000');
    const scheduled = all.value.filter((r) => r.kind === 'pipeline' && r.schedule === 'every-3s');
    const latest = await a.schedule('every-3s');
    expect(scheduled.map((r) => r.id).sort()).toEqual(latest.history.map((h) => h.runId).sort());
  });

  it('never fires a disabled schedule', async () => {
    expect((await a.schedule('paused')).history).toEqual([]);
    expect((await b.schedule('paused')).nextFireTime).toBeUndefined();
  });

  it('fires ticks missed while every host was down once, marked late', async () => {
    await Promise.all([a.host.stop(), b.host.stop()]);
    const stoppedAt = Date.now();
    // Down across at least two ticks of the 3-second schedule.
    await pollUntil(() => Date.now() > stoppedAt + 7000, 'two ticks to pass', 10_000, 100);
    a = await startPipelineHost(names, everySecond, a.host);
    const history = await pollUntil(
      async () => {
        const { history: h } = await a.schedule('every-3s');
        return h.some((f) => Date.parse(f.fireTime) > stoppedAt + 6000 && !f.late) ? h : undefined;
      },
      'an on-time fire after the restart',
      30_000,
      200,
    );
    const before = history.filter((h) => Date.parse(h.fireTime) <= stoppedAt).map((h) => Date.parse(h.fireTime));
    const lastBefore = Math.max(...before);
    const late = history.filter((h) => h.late);
    expect(late).toHaveLength(1);
    // The missed ticks collapsed into that one fire: nothing fired between the last tick before the downtime and it.
    const lateTick = Date.parse(late[0]!.fireTime);
    expect(lateTick - lastBefore).toBeGreaterThanOrEqual(6000);
    expect(history.filter((h) => Date.parse(h.fireTime) > lastBefore && Date.parse(h.fireTime) < lateTick)).toEqual([]);
    expect((await a.waitForRun(late[0]!.runId)).status).toBe('Completed');
  });

  it('polls a datastore outside the watched container every pollingIntervalSeconds: one run per blob version', async () => {
    const polled = blobContainer(`${names.container}-polled`);
    await polled.createIfNotExists();
    await a.expect(201, 'PUT', `api/datastores/${ds}_polled`, { container: polled.containerName });
    await a.publish('keep-polled', {
      parameters: { inputPath: 'none' },
      steps: [transferStep('copy', 'copy', `${ds}_polled`, '${parameters.inputPath}', 'kept/${run.id}/')],
    });
    // Blob events are watched in another container: without polling the schedule could never fire.
    const refused = await a.call<{ error: { message: string } }>('PUT', 'api/schedules/polled', {
      pipeline: 'keep-polled:1',
      trigger: { datastore: `${ds}_polled`, pathPattern: 'in/*.csv' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/set pollingIntervalSeconds/);
    await a.expect(201, 'PUT', 'api/schedules/polled', {
      pipeline: 'keep-polled:1',
      trigger: { datastore: `${ds}_polled`, pathPattern: 'in/*.csv', pollingIntervalSeconds: 1 },
    });
    await polled.getBlockBlobClient('in/a.csv').upload('x\n1\n', 4);
    const [fire] = await a.waitForFires('polled', 1);
    expect(fire).toMatchObject({ path: 'in/a.csv' });
    const run = await a.waitForRun(fire!.runId);
    expect(run).toMatchObject({ status: 'Completed', schedule: 'polled', parameters: { inputPath: 'in/a.csv' } });
    expect(await polled.getBlobClient(`kept/${run.id}/a.csv`).exists()).toBe(true);
    // Later polls list the same version again without starting a second run; a rewrite starts one.
    await polled.getBlockBlobClient('in/b.csv').upload('x\n2\n', 4);
    await a.waitForFires('polled', 2);
    await polled.getBlockBlobClient('in/a.csv').upload('x\n3\n', 4);
    const history = await a.waitForFires('polled', 3);
    expect(history.map((h) => h.path).sort()).toEqual(['in/a.csv', 'in/a.csv', 'in/b.csv']);
    await a.expect(204, 'DELETE', 'api/schedules/polled');
  });

  it('refuses bad schedules with the reason', async () => {
    const put = (trigger: Record<string, unknown>) =>
      a.call<{ error: { message: string } }>('PUT', 'api/schedules/bad', { pipeline: 'ticker:1', trigger });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ cron: '0 0 25 * * *' }, /hour field '25'/],
      [{ cron: '* * * *' }, /expected 6 fields .* or 5/],
      [
        { cron: '0 0 9 * * *', timeZone: 'Mars/Olympus_Mons' },
        /time zone 'Mars\/Olympus_Mons' is not an IANA time zone/,
      ],
      [{ cron: '0 0 0 30 2 *' }, /never occurs/],
      [
        { cron: '0 0 9 * * *', startTime: '2024-06-02T00:00:00Z', endTime: '2024-06-01T00:00:00Z' },
        /endTime must be after startTime/,
      ],
      [{ datastore: ds, pathPattern: 'incoming/[abc.csv' }, /never closed with '\]'/],
      [{ datastore: ds, pathPattern: '/abs/*.csv' }, /leading '\/'/],
    ];
    for (const [trigger, reason] of cases) {
      const answer = await put(trigger);
      expect({ trigger, status: answer.status }).toEqual({ trigger, status: 400 });
      expect(answer.body.error.message).toMatch(reason);
    }
    expect(
      (await a.call('PUT', 'api/schedules/bad', { pipeline: 'ticker:7', trigger: { cron: '0 * * * * *' } })).status,
    ).toBe(404);
    expect((await a.call('GET', 'api/schedules/bad')).status).toBe(404);
  });

  it('deletes a schedule', async () => {
    await a.expect(204, 'DELETE', 'api/schedules/paused');
    expect((await a.call('GET', 'api/schedules/paused')).status).toBe(404);
    expect((await a.call('DELETE', 'api/schedules/paused')).status).toBe(404);
    const { value } = await a.expect<{ value: { name: string }[] }>(200, 'GET', 'api/schedules');
    expect(value.map((s) => s.name)).toEqual(['every-3s']);
  });
});
