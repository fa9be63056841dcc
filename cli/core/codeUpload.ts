/**
 * `sibyl code register PATH`: one file goes as it is (named with `?fileName=`), a `.zip` or `.tar.gz`
 * as an archive, and a folder is packed here into a `.tar.gz` of its files (plain files only, paths
 * relative to the folder) and sent as one request.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import type { CodeVersion } from '../../shared/api/schemas';
import { seg, type ApiClient } from './apiClient';
import { UsageError } from './cliErrors';
import { readBytes } from './readInput';

function archiveTypeOf(file: string): string | undefined {
  if (/\.zip$/i.test(file)) return 'application/zip';
  if (/\.(tar\.gz|tgz)$/i.test(file)) return 'application/gzip';
  return undefined;
}

/** The files of `folder` as a `.tar.gz`, in memory (code assets are small; the server caps them). */
async function tarGzOfFolder(folder: string): Promise<Buffer> {
  const files: { path: string; full: string; size: number }[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(folder, full).split(sep).join('/'), full, size: (await stat(full)).size });
  }
  if (!files.length) throw new UsageError(`${folder} holds no files.`);
  const tar = pack();
  const chunks: Buffer[] = [];
  const gzip = createGzip();
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = pipeline(tar, gzip);
  for (const file of files.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const entry = tar.entry({ name: file.path, size: file.size, type: 'file' });
    await pipeline(createReadStream(file.full), entry);
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Registers the file, archive or folder at `path` as the next version of code asset `name`. */
export async function registerCodePath(api: ApiClient, name: string, path: string): Promise<CodeVersion> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`no such file or folder: ${path}`);
  }
  const route = `/api/code/${seg(name)}/versions`;
  if (info.isDirectory()) {
    const bytes = await tarGzOfFolder(path);
    return (await api.request<CodeVersion>('POST', route, { bytes, headers: { 'content-type': 'application/gzip' } }))
      .body;
  }
  const archive = archiveTypeOf(path);
  const bytes = await readBytes(path);
  const headers = { 'content-type': archive ?? 'application/octet-stream' };
  const query = archive ? {} : { fileName: basename(path) };
  return (await api.request<CodeVersion>('POST', route, { bytes, headers, query })).body;
}
