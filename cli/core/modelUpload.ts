/**
 * `sibyl models register PATH`: a `.onnx` file, a `.zip` / `.tar.gz` archive, or a folder. Small files
 * go as the request body; models over the server's request limit, and folders, go through a staged
 * upload (a write-only SAS, files uploaded in parallel blocks from disk) and are registered by id.
 * A progress bar on stderr follows the bytes.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { Presets, SingleBar } from 'cli-progress';
import type { ModelVersion, StagedUpload } from '../../shared/api/schemas';
import { seg, type ApiClient } from './apiClient';
import { ApiError, UsageError } from './cliErrors';
import { readBytes } from './readInput';

export interface RegisterOptions {
  description?: string;
  /** JSON text of the tags object. */
  tags?: string;
  type?: string;
  /** Show the progress bar (off for JSON output). */
  progress: boolean;
}

/** Bodies at most this large are sent directly without asking the server for its limit first. */
const DIRECT_WITHOUT_ASKING = 8 * 1024 * 1024;
const PARALLEL_FILES = 4;

interface LocalFile {
  path: string;
  full: string;
  size: number;
}

function contentTypeOf(file: string): string {
  if (/\.zip$/i.test(file)) return 'application/zip';
  if (/\.(tar\.gz|tgz)$/i.test(file)) return 'application/gzip';
  return 'application/octet-stream';
}

async function localFiles(path: string): Promise<{ files: LocalFile[]; folder: boolean }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`no such file or folder: ${path}`);
  }
  if (info.isFile())
    return { files: [{ path: path.split(/[\\/]/).pop()!, full: path, size: info.size }], folder: false };
  const files: LocalFile[] = [];
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(path, full).split(sep).join('/'), full, size: (await stat(full)).size });
  }
  if (!files.length) throw new UsageError(`${path} holds no files.`);
  return { files, folder: true };
}

/** Only Azure Storage or a local Azurite may receive the model. */
function checkUploadUrl(url: string): void {
  const host = new URL(url).hostname;
  const azure = /\.blob\.core\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/i.test(host);
  if (!azure && !['localhost', '127.0.0.1', '::1', '[::1]'].includes(host)) {
    throw new ApiError(
      0,
      'InvalidUploadUrl',
      `the server asked to upload the model to ${host}, which is not Azure Storage; refusing.`,
    );
  }
}

function progressBar(total: number, enabled: boolean): { update(done: number): void; stop(): void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      format: 'uploading [{bar}] {percentage}% | {value}/{total} bytes',
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      gracefulExit: false,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

async function direct(api: ApiClient, name: string, file: LocalFile, options: RegisterOptions): Promise<ModelVersion> {
  const bar = progressBar(file.size, options.progress);
  try {
    const query = { description: options.description, tags: options.tags, type: options.type };
    const bytes = await readBytes(file.full);
    const headers = { 'content-type': contentTypeOf(file.full) };
    const { body } = await api.request<ModelVersion>('POST', `/api/models/${seg(name)}/versions`, {
      bytes,
      query,
      headers,
    });
    bar.update(file.size);
    return body;
  } finally {
    bar.stop();
  }
}

async function staged(
  api: ApiClient,
  name: string,
  files: LocalFile[],
  upload: StagedUpload,
  options: RegisterOptions,
): Promise<ModelVersion> {
  checkUploadUrl(upload.uploadUrl);
  const container = new ContainerClient(upload.uploadUrl);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const bar = progressBar(total, options.progress);
  const loaded = new Map<string, number>();
  const report = () => bar.update([...loaded.values()].reduce((a, b) => a + b, 0));
  try {
    const queue = [...files];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const current = file;
        await container.getBlockBlobClient(upload.prefix + current.path).uploadFile(current.full, {
          concurrency: 4,
          onProgress: (event) => {
            loaded.set(current.path, event.loadedBytes);
            report();
          },
        });
        loaded.set(current.path, current.size);
        report();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_FILES }, worker));
  } finally {
    bar.stop();
  }
  const tags = options.tags ? (JSON.parse(options.tags) as Record<string, string>) : undefined;
  const json = {
    upload: upload.id,
    ...(options.type ? { type: options.type } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(tags ? { tags } : {}),
  };
  return (await api.request<ModelVersion>('POST', `/api/models/${seg(name)}/versions`, { json })).body;
}

/** Registers the file, archive or folder at `path` as the next version of `name`. */
export async function registerModelPath(
  api: ApiClient,
  name: string,
  path: string,
  options: RegisterOptions,
): Promise<ModelVersion> {
  const { files, folder } = await localFiles(path);
  const [only] = files;
  if (!folder && only && only.size <= DIRECT_WITHOUT_ASKING) {
    try {
      return await direct(api, name, only, options);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 413)) throw error;
    }
  }
  const upload = (await api.request<StagedUpload>('POST', `/api/models/${seg(name)}/uploads`)).body;
  if (!folder && only && only.size <= upload.maxRequestBytes) return direct(api, name, only, options);
  return staged(api, name, files, upload, options);
}
