/**
 * Reads the lines that start inside a byte range of a blob, in chunks (ranged downloads of
 * {@link CHUNK_BYTES}), so no range sits in memory whole and no file is read twice. A line belongs to
 * the range holding its first byte (Hadoop's rule): a range that does not start a file skips the line
 * it begins inside, and its last line is read past the range's end to its line end. Neighbouring
 * ranges therefore see every line exactly once, without knowing where lines are beforehand.
 *
 * @example for await (const { bytes, from, stop } of rangeLineBytes(blob, size, 120, 9_000_000, true)) …
 */
import type { BlobClient } from '@azure/storage-blob';
import { SibylError } from '../errors';
import { readRange } from './jobStorage';

export const CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * Longest line accepted. Without a bound, a file with no line end would be gathered whole in memory,
 * one chunk at a time (and copied at every chunk).
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** How much more is read at a time to finish the range's last line. */
const TAIL_BYTES = 64 * 1024;

/** Whole lines in `bytes[from, stop)`, separated by `\n` (the last one's `\n` is not included). */
export interface LineBytes {
  bytes: Buffer;
  from: number;
  stop: number;
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
  let pos = midFile ? start - 1 : start;
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = pos;
  let skipping = midFile;
  let ahead: { from: number; to: number; read: Promise<Buffer> } | undefined;
  for (;;) {
    if (pos >= size) {
      // The last line of the file has no line end.
      if (carry.length > 0 && !skipping && carryStart < end) yield { bytes: carry, from: 0, stop: carry.length };
      return;
    }
    const readEnd = pos < end ? Math.min(end, pos + chunkBytes) : Math.min(size, pos + TAIL_BYTES);
    const chunk = await (ahead && ahead.from === pos && ahead.to === readEnd
      ? ahead.read
      : readRange(blob, pos, readEnd));
    pos = readEnd;
    // The next chunk of the range downloads while this one is scored.
    ahead = undefined;
    if (pos < end) {
      const to = Math.min(end, pos + chunkBytes);
      const read = readRange(blob, pos, to);
      read.catch(() => undefined);
      ahead = { from: pos, to, read };
    }
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const base = carryStart;
    let from = 0;
    if (skipping) {
      const nl = bytes.indexOf(10);
      if (nl < 0) {
        carry = Buffer.alloc(0);
        carryStart = pos;
        continue;
      }
      from = nl + 1;
      skipping = false;
      if (base + from >= end) return;
    }
    const lastNl = bytes.lastIndexOf(10);
    if (lastNl < from) {
      carry = bytes.subarray(from);
      carryStart = base + from;
      if (carry.length > maxLineBytes) {
        throw new SibylError(
          'InvalidInput',
          `Blob '${blob.name}': the line starting at byte ${carryStart} is longer than ${maxLineBytes} bytes; split it into lines.`,
        );
      }
      continue;
    }
    // The line end of the last line that starts before `end`, if it is in these bytes.
    const boundary = end - base;
    const stopNl = boundary - 1 <= lastNl ? bytes.indexOf(10, Math.max(from, boundary - 1)) : -1;
    const stop = stopNl >= 0 ? stopNl : lastNl;
    yield { bytes, from, stop };
    if (stopNl >= 0) return;
    carry = bytes.subarray(lastNl + 1);
    carryStart = base + lastNl + 1;
  }
}

/** The lines of {@link rangeLineBytes} as strings (without `\n`), for readers that need text. */
export async function* rangeLines(...range: Parameters<typeof rangeLineBytes>): AsyncGenerator<string[]> {
  for await (const { bytes, from, stop } of rangeLineBytes(...range)) {
    yield bytes.toString('utf8', from, stop).split('\n');
  }
}
