/**
 * Ranged, streamed reads of batch inputs against the test run's Azurite: whatever the cut points, the
 * request size and the line lengths, neighbouring ranges see every line exactly once (Hadoop's rule:
 * a line belongs to the range holding its first byte), including lines split across requests and
 * pieces, a last line without a line end, and CRLF.
 */
import { randomUUID } from 'node:crypto';
import { BlobServiceClient, type BlockBlobClient } from '@azure/storage-blob';
import { rangeLineBytes } from '../../../shared/batch/rangeLines';

const CONTAINER = `range-lines-${randomUUID().slice(0, 8)}`;

function blobOf(name: string): BlockBlobClient {
  return BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!)
    .getContainerClient(CONTAINER)
    .getBlockBlobClient(name);
}

/** The lines `rangeLineBytes` yields for `[start, end)`, as text. */
async function linesOf(blob: BlockBlobClient, size: number, start: number, end: number, chunkBytes: number) {
  const lines: string[] = [];
  for await (const { bytes, from, stop } of rangeLineBytes(blob, size, start, end, start > 0, chunkBytes)) {
    lines.push(...bytes.toString('utf8', from, stop).split('\n'));
  }
  return lines;
}

describe('rangeLineBytes', () => {
  beforeAll(async () => {
    await BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!)
      .getContainerClient(CONTAINER)
      .createIfNotExists();
  });

  it('gives every line to exactly one range, whatever the cuts and request sizes', async () => {
    let seed = 5;
    const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${'x'.repeat(next(5) === 0 ? next(3000) : next(40))}`);
    for (const [name, text] of [
      ['ended.csv', `${lines.join('\n')}\n`],
      ['unended.csv', lines.join('\n')],
    ] as const) {
      const body = Buffer.from(text);
      const blob = blobOf(name);
      await blob.uploadData(body);
      for (const chunkBytes of [1000, 4096, 70_000, 8 * 1024 * 1024]) {
        const cuts = [0, body.length];
        for (let k = 0; k < 12; k++) cuts.push(next(body.length));
        // Cuts right at, before and after a line end too.
        const nl = body.indexOf(10, body.length >> 1);
        cuts.push(nl, nl + 1, nl + 2);
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const seen: string[] = [];
        for (let i = 0; i + 1 < sorted.length; i++)
          seen.push(...(await linesOf(blob, body.length, sorted[i]!, sorted[i + 1]!, chunkBytes)));
        expect(seen.length).toBe(lines.length);
        expect(seen).toEqual(lines);
      }
    }
  });

  it('keeps a CR for the parser and reads a range inside one long line as empty', async () => {
    const body = Buffer.from(`a,b\r\n${'1'.repeat(5000)}\r\nlast`);
    const blob = blobOf('crlf.csv');
    await blob.uploadData(body);
    expect(await linesOf(blob, body.length, 0, body.length, 1024)).toEqual(['a,b\r', `${'1'.repeat(5000)}\r`, 'last']);
    expect(await linesOf(blob, body.length, 100, 4000, 1024)).toEqual([]);
    expect(await linesOf(blob, body.length, 5, body.length, 1024)).toEqual([`${'1'.repeat(5000)}\r`, 'last']);
  });
});
