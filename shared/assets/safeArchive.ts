/**
 * Unpacks a `.zip` or `.tar.gz` into a folder without trusting it: every entry must be a plain file
 * or folder at a relative path inside the destination (no absolute paths, no `..`, no links, devices
 * or pipes), and the number of files and the bytes unpacked are capped while streaming, so a zip bomb
 * stops at the cap rather than filling the disk. Each file is hashed (SHA-256) as it is written.
 * Any refusal is a 400 naming the entry. Used for model folders and code assets alike.
 *
 * @example
 *   const files = await unpackArchive('zip', '/tmp/upload.zip', '/tmp/model', { maxFiles: 1000, maxUnpackedBytes: 2 ** 30 });
 *   // [{ path: 'MLmodel', sizeBytes: 312, sha256: '…' }, { path: 'model.onnx', … }]
 */
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Header as TarHeader } from 'tar-stream';
import * as yauzl from 'yauzl';
import { SibylError } from '../errors';
import { writeHashedFile, type StoredFile } from './hashedFile';

export type ArchiveKind = 'zip' | 'tar.gz';

export interface ArchiveLimits {
  /** Most files (folders excluded) an archive may hold. */
  maxFiles: number;
  /** Most bytes its files may add up to once unpacked. */
  maxUnpackedBytes: number;
}

/** An archive entry Sibyl will not unpack. Code `InvalidInput` (400); the message names the entry. */
export class UnsafeArchiveError extends SibylError {
  constructor(entry: string, why: string) {
    super('InvalidInput', `Archive entry '${entry.slice(0, 300)}' is refused: ${why}.`, [
      { target: entry.slice(0, 300), message: why },
    ]);
    this.name = 'UnsafeArchiveError';
  }
}

/**
 * The entry's path as a list of segments, or a refusal. Backslashes count as separators (zips made on
 * Windows); `.` segments and a leading `./` are dropped.
 */
export function safeEntryPath(name: string): string {
  if ([...name].some((c) => c.charCodeAt(0) < 0x20))
    throw new UnsafeArchiveError(name, 'its name holds control characters');
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed))
    throw new UnsafeArchiveError(name, 'its path is absolute; archives must hold relative paths');
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..'))
    throw new UnsafeArchiveError(name, "its path contains '..', which would leave the folder");
  if (!segments.length) throw new UnsafeArchiveError(name, 'its path is empty');
  return segments.join('/');
}

/** Unpacks `archive` (a file on disk) into `destination` (created if missing); answers every file written. */
export async function unpackArchive(
  kind: ArchiveKind,
  archive: string,
  destination: string,
  limits: ArchiveLimits,
): Promise<StoredFile[]> {
  await mkdir(destination, { recursive: true });
  const sink = new Unpacker(destination, limits);
  if (kind === 'zip') await unpackZip(archive, sink);
  else await unpackTarGz(archive, sink);
  return sink.files;
}

/** Applies the caps and writes entries; shared by both formats. */
class Unpacker {
  readonly files: StoredFile[] = [];
  #bytes = 0;

  constructor(
    private readonly destination: string,
    private readonly limits: ArchiveLimits,
  ) {}

  async folder(name: string): Promise<void> {
    await mkdir(join(this.destination, safeEntryPath(name)), { recursive: true });
  }

  async file(name: string, declaredSize: number | undefined, content: AsyncIterable<Buffer>): Promise<void> {
    const path = safeEntryPath(name);
    if (this.files.length >= this.limits.maxFiles)
      throw new UnsafeArchiveError(
        name,
        `the archive holds more than ${this.limits.maxFiles} files (SIBYL_MAX_ARCHIVE_FILES)`,
      );
    const tooBig = () =>
      new UnsafeArchiveError(
        name,
        `the unpacked files exceed ${this.limits.maxUnpackedBytes} bytes (SIBYL_MAX_UNPACKED_BYTES)`,
      );
    if (declaredSize !== undefined && this.#bytes + declaredSize > this.limits.maxUnpackedBytes) throw tooBig();
    const target = join(this.destination, path);
    try {
      await mkdir(dirname(target), { recursive: true });
    } catch {
      throw new UnsafeArchiveError(name, 'a file of the archive has the same path as one of its folders');
    }
    const budget = this.limits.maxUnpackedBytes - this.#bytes;
    const stored = await writeHashedFile(content, target, {
      path,
      maxBytes: budget,
      tooBig,
      exists: () => new UnsafeArchiveError(name, 'the archive holds this path twice'),
    });
    this.#bytes += stored.sizeBytes;
    this.files.push(stored);
  }
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

async function unpackZip(archive: string, sink: Unpacker): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    // Names are decoded below, so a bad one is refused with its name rather than yauzl's generic error.
    zip = await yauzl.openPromise(archive, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw new SibylError('InvalidInput', `The body is not a readable zip archive: ${(error as Error).message}.`);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      const isFolder = name.endsWith('/') || mode === S_IFDIR;
      if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR)
        throw new UnsafeArchiveError(name, 'it is a link, device or pipe; only plain files and folders are accepted');
      if (entry.isEncrypted()) throw new UnsafeArchiveError(name, 'it is encrypted');
      if (isFolder) {
        await sink.folder(name);
        continue;
      }
      safeEntryPath(name);
      const content = await zip.openReadStreamPromise(entry);
      try {
        await sink.file(name, entry.uncompressedSize, content as AsyncIterable<Buffer>);
      } finally {
        // A refused entry's stream was never read: left open it holds the archive's descriptor and may go on
        // reading (and fail on) a file that is gone or rewritten once the upload is done with it.
        content.on('error', () => undefined).destroy();
      }
    }
  } catch (error) {
    if (error instanceof SibylError) throw error;
    throw new SibylError('InvalidInput', `The zip archive is damaged: ${(error as Error).message}.`);
  } finally {
    zip.close();
  }
}

const TAR_FILE_TYPES = new Set<TarHeader['type'] | undefined>(['file', 'contiguous-file', undefined]);

async function unpackTarGz(archive: string, sink: Unpacker): Promise<void> {
  const entries = tarExtract();
  const reading = pipeline(createReadStream(archive), createGunzip(), entries);
  try {
    for await (const entry of entries) {
      const { name, type, size } = entry.header;
      if (type === 'directory') {
        await sink.folder(name);
        entry.resume();
      } else if (TAR_FILE_TYPES.has(type)) {
        await sink.file(name, size, entry as AsyncIterable<Buffer>);
      } else {
        entry.resume();
        throw new UnsafeArchiveError(
          name,
          `it is a ${type ?? 'special entry'}; only plain files and folders are accepted`,
        );
      }
    }
    await reading;
  } catch (error) {
    entries.destroy();
    await reading.catch(() => undefined);
    if (error instanceof SibylError) throw error;
    throw new SibylError('InvalidInput', `The body is not a readable .tar.gz archive: ${(error as Error).message}.`);
  }
}
