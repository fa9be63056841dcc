/**
 * Files written or read as streams while their SHA-256 is computed, so no file is ever held whole in
 * memory. `StoredFile` is the record kept for each file of a model or code asset.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** One file of a folder asset: its relative path (`/`-separated), size and SHA-256 (lower-case hex). */
export interface StoredFile {
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface WriteOptions {
  /** The relative path recorded for the file. */
  path: string;
  /** Refuse with `tooBig()` once more than this many bytes arrive. */
  maxBytes?: number;
  tooBig?: () => Error;
  /** When given, the target must not exist yet; the error to throw if it does. */
  exists?: () => Error;
}

/** A pass-through that hashes and counts what flows, and stops past `maxBytes`. */
export class HashingCounter extends Transform {
  readonly #hash = createHash('sha256');
  #bytes = 0;

  constructor(
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly tooBig: () => Error = () => new RangeError(`more than ${maxBytes} bytes`),
  ) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.maxBytes) return done(this.tooBig());
    this.#hash.update(chunk);
    done(null, chunk);
  }

  get sizeBytes(): number {
    return this.#bytes;
  }

  /** The hex digest; call once, after the stream ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}

/** Streams `content` into `target`, hashing it on the way. */
export async function writeHashedFile(
  content: AsyncIterable<Buffer>,
  target: string,
  options: WriteOptions,
): Promise<StoredFile> {
  const counter = new HashingCounter(options.maxBytes, options.tooBig);
  try {
    await pipeline(content, counter, createWriteStream(target, { flags: options.exists ? 'wx' : 'w' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && options.exists) throw options.exists();
    if ((error as NodeJS.ErrnoException).code === 'EISDIR' && options.exists) throw options.exists();
    throw error;
  }
  return { path: options.path, sizeBytes: counter.sizeBytes, sha256: counter.digest() };
}

/** SHA-256 and size of a file on disk, read as a stream. */
export async function hashFile(file: string, path: string): Promise<StoredFile> {
  const counter = new HashingCounter();
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(createReadStream(file), counter, discard);
  return { path, sizeBytes: counter.sizeBytes, sha256: counter.digest() };
}
