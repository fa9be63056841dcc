import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { HubLock } from '../../../../emulator/durable/hubLock';
import { Journal, JournalClosedError } from '../../../../emulator/durable/journal';
import { tempDir } from './durableTestKit';

describe('Journal', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  let n = 0;
  const file = (): string => path.join(tmp.dir, `j${++n}.jsonl`);

  it('appends records in order, sharing writes between concurrent appends', async () => {
    const f = file();
    const journal = new Journal(f, true);
    await Promise.all([...Array(200).keys()].map((i) => journal.append({ i })));
    const { records, droppedBytes } = await Journal.read<{ i: number }>(f);
    expect(records.map((r) => r.i)).toEqual([...Array(200).keys()]);
    expect(droppedBytes).toBe(0);
  });

  it('orders replace() after earlier appends and before later ones', async () => {
    const f = file();
    const journal = new Journal(f, false);
    const writes = [journal.append({ a: 1 }), journal.replace([{ start: true }]), journal.append({ b: 2 })];
    await Promise.all(writes);
    expect((await Journal.read(f)).records).toEqual([{ start: true }, { b: 2 }]);
    expect(await Journal.readFirst(f)).toEqual({ start: true });
  });

  it('cuts a torn or corrupt tail so the next append starts on a clean line', async () => {
    const f = file();
    writeFileSync(f, '{"a":1}\n{"b":2}\n{"c":');
    const read = await Journal.read(f);
    expect(read.records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(read.droppedBytes).toBe(5);
    await new Journal(f, false).append({ d: 4 });
    expect(readFileSync(f, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"d":4}\n');

    appendFileSync(f, 'not json\n{"e":5}\n');
    expect((await Journal.read(f, false)).records).toEqual([{ a: 1 }, { b: 2 }, { d: 4 }]);
    expect((await Journal.read(f, false)).droppedBytes).toBe(17);
  });

  it('refuses writes once closed or abandoned', async () => {
    const closed = new Journal(file(), false);
    await closed.append({ x: 1 });
    await closed.close();
    await expect(closed.append({ y: 2 })).rejects.toBeInstanceOf(JournalClosedError);

    const crashed = new Journal(file(), false);
    const pending = crashed.append({ z: 1 });
    const queued = expect(crashed.append({ z: 2 })).rejects.toBeInstanceOf(JournalClosedError);
    crashed.abandon();
    await pending;
    await queued;
  });
});

describe('HubLock', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('refuses a hub held by another live process and takes over a dead one', async () => {
    const lockFile = path.join(tmp.dir, 'engine.lock');
    writeFileSync(lockFile, String(process.ppid));
    await expect(new HubLock(tmp.dir).acquire()).rejects.toThrow(/in use by process/);

    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lockFile, String(exited));
    await new HubLock(tmp.dir).acquire();
    expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    await new HubLock(tmp.dir).release();
  });
});
