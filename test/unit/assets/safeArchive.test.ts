import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeEntryPath, unpackArchive, UnsafeArchiveError } from '../../../shared/assets/safeArchive';
import { tarGzOf, zipOf } from '../../support/archives';
import { pollUntil } from '../../support/poll';

/** What this process has open, by path (Linux). */
function openPaths(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

describe('safe archive unpacking', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'safe-archive-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['../x', /'\.\.'/],
    ['a/../../x', /'\.\.'/],
    ['/etc/passwd', /absolute/],
    ['C:\\Windows\\x', /absolute/],
    ['..\\x', /'\.\.'/],
    ['a\u0001b', /control characters/],
    ['./', /empty/],
  ])('refuses the entry path %j', (name, message) => {
    expect(() => safeEntryPath(name)).toThrow(UnsafeArchiveError);
    expect(() => safeEntryPath(name)).toThrow(message);
  });

  it('normalizes harmless paths', () => {
    expect(safeEntryPath('./model/./weights.bin')).toBe('model/weights.bin');
    expect(safeEntryPath('model\\w.bin')).toBe('model/w.bin');
  });

  it('unpacks zip and tar.gz folders with each file hashed', async () => {
    for (const [kind, bytes] of [
      [
        'zip',
        await zipOf([
          { path: 'm/a.txt', data: 'A' },
          { path: 'm/b/c.txt', data: 'C' },
        ]),
      ],
      [
        'tar.gz',
        await tarGzOf([
          { path: 'm/a.txt', data: 'A' },
          { path: 'm/b/c.txt', data: 'C' },
        ]),
      ],
    ] as const) {
      const archive = join(dir, `in.${kind}`);
      writeFileSync(archive, bytes);
      const files = await unpackArchive(kind, archive, join(dir, kind), { maxFiles: 10, maxUnpackedBytes: 100 });
      expect(files.map((f) => [f.path, f.sizeBytes]).sort()).toEqual([
        ['m/a.txt', 1],
        ['m/b/c.txt', 1],
      ]);
      expect(files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(join(dir, kind, 'm/b/c.txt'), 'utf8')).toBe('C');
    }
  });

  it('refuses duplicates, links and entries past the caps, naming the entry', async () => {
    const cases: Array<['zip' | 'tar.gz', Buffer, RegExp]> = [
      [
        'tar.gz',
        await tarGzOf([
          { path: 'a', data: '1' },
          { path: 'a', data: '2' },
        ]),
        /'a'.*twice/,
      ],
      ['tar.gz', await tarGzOf([{ path: 'dev', type: 'character-device' }]), /'dev'.*character-device/],
      ['tar.gz', await tarGzOf([{ path: 'big', data: 'x'.repeat(101) }]), /'big'.*exceed 100 bytes/],
      ['zip', await zipOf([{ path: 'big', data: 'x'.repeat(101) }]), /'big'.*exceed 100 bytes/],
      [
        'zip',
        await zipOf(Array.from({ length: 11 }, (_, i) => ({ path: `f${i}`, data: '' }))),
        /'f10'.*more than 10 files/,
      ],
    ];
    for (const [kind, bytes, message] of cases) {
      const archive = join(dir, `in.${kind}`);
      writeFileSync(archive, bytes);
      const target = mkdtempSync(join(dir, 'out-'));
      await expect(unpackArchive(kind, archive, target, { maxFiles: 10, maxUnpackedBytes: 100 })).rejects.toThrow(
        message,
      );
    }
  });

  it('closes the archive after refusing an entry it never read', async () => {
    const archive = join(dir, 'refused.zip');
    const bytes = await zipOf([{ path: 'big', data: 'x'.repeat(100_000) }]);
    writeFileSync(archive, bytes);
    const limits = { maxFiles: 10, maxUnpackedBytes: 100 };
    await expect(unpackArchive('zip', archive, mkdtempSync(join(dir, 'out-')), limits)).rejects.toThrow(/exceed/);
    // The upload's temporary file is reused or removed at once: nothing may still read it (a late read of other
    // bytes used to fail the entry's unread stream with an error no one listened to, which crashes a process).
    writeFileSync(archive, Buffer.alloc(bytes.length, 0xff));
    await pollUntil(() => !openPaths().includes(archive), 'the archive to be closed', 5_000, 10);
  });
});
