/**
 * Reads the lines of a byte range of a blob in chunks (ranged downloads of {@link CHUNK_BYTES}), so a
 * large range never sits in memory whole. The range must start at a line start; it ends at a line
 * end or at the end of the blob.
 *
 * @example for await (const lines of lineChunks(blob, 120, 9_000_000)) for (const line of lines) …
 */
import type { BlobClient } from '@azure/storage-blob';
import { readRange } from './jobStorage';

export const CHUNK_BYTES = 8 * 1024 * 1024;

/** Yields arrays of complete lines (without `\n`; a trailing `\r` is kept for the parser to drop). */
export async function* lineChunks(blob: BlobClient, start: number, end: number, chunkBytes = CHUNK_BYTES): AsyncGenerator<string[]> {
  let carry: Buffer = Buffer.alloc(0);
  for (let at = start; at < end; at += chunkBytes) {
    const stop = Math.min(end, at + chunkBytes);
    const chunk = await readRange(blob, at, stop);
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const last = stop === end;
    const cut = last ? bytes.length : bytes.lastIndexOf(10) + 1;
    carry = bytes.subarray(cut);
    if (cut === 0) continue;
    // The text up to the last line end, without that final `\n`.
    const textEnd = bytes[cut - 1] === 10 ? cut - 1 : cut;
    yield bytes.toString('utf8', 0, textEnd).split('\n');
  }
}
