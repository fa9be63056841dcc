/**
 * Model folders on local disk, one per version and contents: each file is streamed from Blob storage
 * and its SHA-256 checked against the one recorded at registration before the folder is used (a file
 * changed in storage is refused with `ModelIntegrity`, naming both checksums). Bounded in bytes; the
 * least recently used folders are deleted first. ONNX Runtime has read a model's files once its
 * session exists, so evicting a folder never breaks a loaded session. A cache made with `holds: 'code'`
 * keeps code assets' folders the same way (environments issue).
 *
 * @example
 *   const cache = new ModelFolderCache({ dir: '/tmp/sibyl-models', maxBytes: 10 * 2 ** 30 });
 *   const folder = await cache.materialise(manifest, container); // '/tmp/sibyl-models/iris/3-1a2b…'
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { hashFile, writeHashedFile, type StoredFile } from '../assets/hashedFile';
import { SibylError } from '../errors';
import { codeFolderPrefix } from '../compute/userRuntime';
import { filesDigest, modelFolderPrefix } from './modelBlobs';

export interface FolderCacheSettings {
  dir: string;
  maxBytes: number;
  /** What the folders hold: model versions (the default) or code assets (`code/{name}/{version}/…`). */
  holds?: 'models' | 'code';
}

/** The part of a model's or a code asset's manifest a folder is made from. */
export interface FolderManifest {
  name: string;
  version: number;
  files: StoredFile[];
}

interface Entry {
  folder: string;
  bytes: number;
}

/** A file of a model does not hold what was registered. Code `ModelIntegrity` (409). */
export class ModelIntegrityError extends SibylError {
  constructor(manifest: FolderManifest, file: StoredFile, actual: string, noun = 'Model') {
    super(
      'ModelIntegrity',
      `${noun} ${manifest.name}:${manifest.version} file '${file.path}' has changed in storage: ` +
        `it was registered with sha256 ${file.sha256} ` +
        `but storage now holds sha256 ${actual}. Refusing to load it; register the ${noun.toLowerCase()} again.`,
    );
    this.name = 'ModelIntegrityError';
  }
}

export class ModelFolderCache {
  /** Map order is recency order: the first key is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<string>>();

  constructor(private readonly settings: FolderCacheSettings) {}

  /** The local folder holding the manifest's files, verified; downloads what is missing. */
  materialise(manifest: FolderManifest, container: ContainerClient): Promise<string> {
    const key = `${manifest.name}/${manifest.version}-${filesDigest(manifest.files).slice(0, 16)}`;
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return stat(entry.folder).then(
        () => entry.folder,
        () => {
          this.#entries.delete(key);
          return this.materialise(manifest, container);
        },
      );
    }
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#download(key, manifest, container).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #download(key: string, manifest: FolderManifest, container: ContainerClient): Promise<string> {
    const folder = join(this.settings.dir, key);
    const bytes = manifest.files.reduce((sum, f) => sum + f.sizeBytes, 0);
    if (await this.#verifiedOnDisk(folder, manifest)) return this.#remember(key, { folder, bytes });
    const staging = `${folder}.tmp-${randomUUID()}`;
    try {
      const code = this.settings.holds === 'code';
      const noun = code ? 'Code asset' : 'Model';
      const prefix = (code ? codeFolderPrefix : modelFolderPrefix)(manifest.name, manifest.version);
      for (const file of manifest.files) {
        const target = join(staging, file.path);
        await mkdir(dirname(target), { recursive: true });
        const response = await container
          .getBlockBlobClient(prefix + file.path)
          .download()
          .catch((error: unknown) => {
            if ((error as { statusCode?: number }).statusCode === 404) {
              throw new SibylError(
                'ModelIntegrity',
                `${noun} ${manifest.name}:${manifest.version} file '${file.path}' (sha256 ${file.sha256}) is missing from storage.`,
              );
            }
            throw error;
          });
        const stored = await writeHashedFile(
          response.readableStreamBody as AsyncIterable<Buffer> & NodeJS.ReadableStream,
          target,
          { path: file.path },
        );
        if (stored.sha256 !== file.sha256) throw new ModelIntegrityError(manifest, file, stored.sha256, noun);
      }
      await rm(folder, { recursive: true, force: true });
      await rename(staging, folder);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    return this.#remember(key, { folder, bytes });
  }

  /** A folder left by an earlier process is used only if every file still hashes as recorded. */
  async #verifiedOnDisk(folder: string, manifest: FolderManifest): Promise<boolean> {
    try {
      for (const file of manifest.files) {
        const found = await hashFile(join(folder, file.path), file.path);
        if (found.sha256 !== file.sha256) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  #remember(key: string, entry: Entry): string {
    this.#entries.set(key, entry);
    let total = [...this.#entries.values()].reduce((sum, e) => sum + e.bytes, 0);
    for (const [other, old] of this.#entries) {
      if (total <= this.settings.maxBytes) break;
      if (other === key) continue;
      this.#entries.delete(other);
      total -= old.bytes;
      void rm(old.folder, { recursive: true, force: true });
    }
    return entry.folder;
  }
}
