/** Builds `.zip` and `.tar.gz` archives in memory for tests, including hostile ones (links, `..`). */
import { pack } from 'tar-stream';
import { ZipFile } from 'yazl';
import { gzipSync } from 'node:zlib';

export interface ArchiveEntry {
  path: string;
  data?: Uint8Array | string;
  /** tar only: an entry type other than a file (e.g. `symlink` with `linkname`). */
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device';
  linkname?: string;
  /** zip only: Unix mode bits (e.g. `0o120777` for a link). */
  mode?: number;
}

const bytes = (data: Uint8Array | string | undefined) => Buffer.from(data ?? '');

export async function zipOf(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) {
    if (e.type === 'directory') zip.addEmptyDirectory(e.path);
    // yazl checks names itself; hostile ones are written raw below by the tests that need them.
    else zip.addBuffer(bytes(e.data), e.path, e.mode ? { mode: e.mode } : {});
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function tarGzOf(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of tar) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? bytes(e.data) : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      tar.entry(
        { name: e.path, type, size: data.length, ...(e.linkname ? { linkname: e.linkname } : {}) },
        data,
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
