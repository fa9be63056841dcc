/**
 * Reads the lines that start inside a byte range of a blob as its bytes arrive (ranged downloads of
 * at most {@link CHUNK_BYTES}, streamed), so no range sits in memory whole, no large buffer is
 * allocated, bytes are not copied (only a line split between two pieces is joined) and no file is
 * read twice. A line belongs to
 * the range holding its first byte (Hadoop's rule): a range that does not start a file skips the line
 * it begins inside, and its last line is read past the range's end to its line end. Neighbouring
 * ranges therefore see every line exactly once, without knowing where lines are beforehand.
 *
 * @example for await (const { bytes, from, stop } of rangeLineBytes(blob, size, 120, 9_000_000, true)) …
 */
import type { BlobClient } from '@azure/storage-blob';
import { SibylError } from '../errors';
import { blobPieces } from './jobStorage';

/**
 * Bytes per ranged request. Large: the bytes stream in either way, and each request costs the
 * storage server as much as megabytes of data (measured against Azurite).
 */
export const CHUNK_BYTES = 64 * 1024 * 1024;
/**
 * Longest line accepted. Without a bound, a file with no line end would be gathered whole in memory.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** How much is read past the range's end (with the range, then at a time) to finish its last line. */
const TAIL_BYTES = 64 * 1024;

/** Whole lines in `bytes[from, stop)`, separated by `\n` (the last one's `\n` is not included). */
export interface LineBytes {
  bytes: Buffer;
  from: number;
  stop: number;
}

/** A line begun in earlier pieces: its parts and where it starts in the blob. */
class PartLine {
  parts: Buffer[] = [];
  length = 0;
  start = 0;

  constructor(
    private readonly blobName: string,
    private readonly maxLineBytes: number,
  ) {}

  add(part: Buffer, start: number): void {
    if (this.length === 0) this.start = start;
    this.parts.push(part);
    this.length += part.length;
    if (this.length > this.maxLineBytes) {
      throw new SibylError(
        'InvalidInput',
        `Blob '${this.blobName}': the line starting at byte ${this.start} is longer than ${this.maxLineBytes} bytes; split it into lines.`,
      );
    }
  }

  /** The line's bytes with `tail` (its end) joined on. */
  take(tail: Buffer): Buffer {
    const line = Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.length = 0;
    return line;
  }
}

/**
 * Yields runs of the lines (a trailing `\r` is kept for the parser to drop) whose first byte lies in
 * `[start, end)`, as bytes. `midFile`: `start` may be inside a line (it is not where the data begins).
 */
export async function* rangeLineBytes(
  blob: BlobClient,
  size: number,
  start: number,
  end: number,
  midFile: boolean,
  chunkBytes = CHUNK_BYTES,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<LineBytes> {
  // From one byte early: when that byte is a line end, the range starts with a whole line.
  let base = midFile ? start - 1 : start;
  let skipping = midFile;
  const part = new PartLine(blob.name, maxLineBytes);
  // Past `end`, only the range's last line is read on, a little at a time.
  const tail = (next: number) => (part.length > 0 ? Math.min(TAIL_BYTES, size - next) : 0);
  for await (const piece of blobPieces(blob, base, Math.min(end + TAIL_BYTES, size), chunkBytes, tail)) {
    const at = base;
    base += piece.length;
    let from = 0;
    if (skipping) {
      from = piece.indexOf(10) + 1;
      if (from === 0) continue;
      skipping = false;
    } else if (part.length > 0) {
      const nl = piece.indexOf(10);
      if (nl < 0) {
        part.add(piece, at);
        continue;
      }
      const line = part.take(piece.subarray(0, nl));
      yield { bytes: line, from: 0, stop: line.length };
      from = nl + 1;
    }
    if (at + from >= end) return;
    const lastNl = piece.lastIndexOf(10);
    // The line end of the last line that starts before `end`, if it is in this piece.
    const boundary = end - at;
    const stopNl = lastNl >= from && boundary - 1 <= lastNl ? piece.indexOf(10, Math.max(from, boundary - 1)) : -1;
    if (stopNl >= 0) {
      yield { bytes: piece, from, stop: stopNl };
      return;
    }
    if (lastNl >= from) {
      yield { bytes: piece, from, stop: lastNl };
      from = lastNl + 1;
    }
    if (from < piece.length) part.add(piece.subarray(from), at + from);
  }
  // The last line of the file has no line end.
  if (part.length > 0) {
    const line = part.take(Buffer.alloc(0));
    yield { bytes: line, from: 0, stop: line.length };
  }
}

/** The lines of {@link rangeLineBytes} as strings (without `\n`), for readers that need text. */
export async function* rangeLines(...range: Parameters<typeof rangeLineBytes>): AsyncGenerator<string[]> {
  for await (const { bytes, from, stop } of rangeLineBytes(...range)) {
    yield bytes.toString('utf8', from, stop).split('\n');
  }
}
