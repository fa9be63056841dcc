/**
 * Timers, blob triggers and the embedded services through the emulator, including restarts:
 * past-due timers, blob receipts that survive a restart, poison blobs, Cosmos data that persists,
 * and Ctrl-C leaving no process behind.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { readJsonl } from '../../support/jsonl';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'hostApp');

/** The embedded Azurite's endpoints, read from the host's start log. */
function azuriteOf(host: HostProcess): { blob: BlobServiceClient; queue: QueueServiceClient } {
  const blob = /blob (http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1)/.exec(host.output())?.[1];
  const queue = /queue (http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1)/.exec(host.output())?.[1];
  if (!blob || !queue) throw new Error(`No Azurite endpoints in the host output:\n${host.output()}`);
  const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
  const cs = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=${blob};QueueEndpoint=${queue};`;
  return { blob: BlobServiceClient.fromConnectionString(cs), queue: QueueServiceClient.fromConnectionString(cs) };
}

function childPids(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === pid)
    .map(([p]) => p!);
}

describe('timers in the emulator', () => {
  it('fires on schedule, and marks isPastDue after downtime over a tick', async () => {
    const counterDir = tempDir('counters');
    const startedAt = Date.now();
    const host = await startHost({ appDir: APP, env: { FIXTURE_COUNTER_DIR: counterDir } });
    const timerLog = path.join(counterDir, 'timer.jsonl');
    const fires = await pollUntil(
      () => {
        const lines = readJsonl<{ isPastDue: boolean; at: string }>(timerLog);
        return lines.length >= 3 ? lines : undefined;
      },
      'three ticks of the every-two-seconds timer',
      30000,
    );
    const seenAt = Date.now();
    await host.stop();
    // Order and count, not gaps: a loaded machine delays a tick but never adds one. The cadence itself is
    // checked against a controllable clock in test/unit/emulator/timer/timerScheduler.test.ts.
    expect(fires.every((f) => f.isPastDue === false)).toBe(true);
    const times = fires.map((f) => Date.parse(f.at));
    for (const [i, t] of times.entries()) if (i > 0) expect(t).toBeGreaterThan(times[i - 1]!);
    const ticksElapsed = Math.floor(seenAt / 2000) - Math.floor(startedAt / 2000);
    expect(fires.length).toBeLessThanOrEqual(ticksElapsed);

    // Downtime across a tick: the recorded next occurrence of the monitored timer is now in the past.
    const statusFile = path.join(host.dataDir, 'timers', 'everyMinute.json');
    // As if the host had last recorded this status 150 s ago and then been down past the next tick.
    const status = JSON.parse(fs.readFileSync(statusFile, 'utf8')) as {
      Last: string;
      Next: string;
      LastUpdated: string;
    };
    const lastUpdated = Date.now() - 150_000;
    const lastTick = Math.floor(lastUpdated / 60_000) * 60_000;
    // `Last` too: had the first run crossed a minute and fired on time, a recent `Last` whose next tick is not
    // `Next` would read as a changed schedule (recomputed, not past due), as the real host reads it.
    status.Last = new Date(lastTick).toISOString();
    status.LastUpdated = new Date(lastUpdated).toISOString();
    status.Next = new Date(lastTick + 60_000).toISOString();
    fs.writeFileSync(statusFile, JSON.stringify(status));
    const again = await startHost({ appDir: APP, dataDir: host.dataDir, env: { FIXTURE_COUNTER_DIR: counterDir } });
    try {
      // (The first run may have crossed a minute boundary and fired on time; the past-due run comes after the restart.)
      const late = await pollUntil(
        () =>
          readJsonl<{ isPastDue: boolean; at: string }>(path.join(counterDir, 'timer-minute.jsonl')).find(
            (l) => l.isPastDue,
          ),
        'the past-due run',
        20000,
      );
      expect(Date.parse(late.at)).toBeGreaterThan(Date.parse(fires[1]!.at));
    } finally {
      await again.stop();
    }
  });
});

describe('blob triggers and embedded services in the emulator', () => {
  it('fires once per blob version, again after a change, not again after a restart; poisons a failing blob', async () => {
    const counterDir = tempDir('counters');
    const dataDir = tempDir('data');
    const blobLog = path.join(counterDir, 'blob.jsonl');
    const env = { FIXTURE_COUNTER_DIR: counterDir };
    const first = await startHost({ appDir: APP, dataDir, embedded: true, env });
    let storage = azuriteOf(first);
    const uploads = storage.blob.getContainerClient('fixture-uploads');
    await uploads.createIfNotExists();
    await uploads.getBlockBlobClient('a.csv').upload('x,y\n1,2\n', 8);
    await pollUntil(() => readJsonl(blobLog).length === 1, 'the first blob to fire', 20000);
    await uploads.getBlockBlobClient('a.csv').upload('x,y\n1,2\n3,4\n', 12);
    const two = await pollUntil(
      () => {
        const lines = readJsonl<{ name: string; etag: string; bytes: number }>(blobLog);
        return lines.length >= 2 ? lines : undefined;
      },
      'the changed blob to fire',
      20000,
    );
    expect(two.map((l) => l.name)).toEqual(['a', 'a']);
    expect(two[0]!.etag).not.toBe(two[1]!.etag);
    expect(two[1]!.bytes).toBe(12);

    await uploads.getBlockBlobClient('poison-1.csv').upload('bad', 3);
    const poisonQueue = storage.queue.getQueueClient('webjobs-blobtrigger-poison');
    const poison = await pollUntil(
      async () => {
        if (!(await poisonQueue.exists())) return undefined;
        const { peekedMessageItems } = await poisonQueue.peekMessages({ numberOfMessages: 1 });
        return peekedMessageItems[0];
      },
      'the poison message',
      30000,
      200,
    );
    const message = JSON.parse(Buffer.from(poison.messageText, 'base64').toString('utf8')) as {
      BlobName: string;
      Reason: string;
    };
    expect(message.BlobName).toBe('poison-1.csv');
    expect(message.Reason).toMatch(/cannot process poison/);

    // A Cosmos document written before the restart is read back after it.
    const put = await fetch(`${first.baseUrl}/api/docs/keep-me`, {
      method: 'PUT',
      body: JSON.stringify({ value: 42 }),
    });
    expect(put.status).toBe(200);

    const pid = first.child.pid!;
    const children = childPids(pid);
    expect(await first.stop()).toBe(0);
    for (const child of [pid, ...children]) expect(() => process.kill(child, 0)).toThrow();

    const second = await startHost({ appDir: APP, dataDir, embedded: true, env });
    try {
      storage = azuriteOf(second);
      const doc = await fetch(`${second.baseUrl}/api/docs/keep-me`);
      expect(doc.status).toBe(200);
      expect(((await doc.json()) as { value: number }).value).toBe(42);
      await storage.blob.getContainerClient('fixture-uploads').getBlockBlobClient('b.csv').upload('z\n', 2);
      const after = await pollUntil(
        () => {
          const lines = readJsonl<{ name: string }>(blobLog);
          return lines.some((l) => l.name === 'b') ? lines : undefined;
        },
        'the new blob to fire after the restart',
        20000,
      );
      expect(after.filter((l) => l.name === 'a')).toHaveLength(2);
      expect(after.filter((l) => l.name === 'poison-1')).toHaveLength(0);
    } finally {
      await second.stop();
    }
  });
});
