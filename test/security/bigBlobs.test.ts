/**
 * Item 3 of the security issue (the parts outside the blob trigger and the output merger): batch
 * inputs are read in ranges, and a file with no line end is refused once its line passes the limit
 * instead of being gathered whole in memory. Against Azurite.
 */
import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { rangeLines } from '../../shared/batch/rangeLines';

const CONTAINER = `sec-big-${randomBytes(3).toString('hex')}`;

describe('ranged reads of batch inputs', () => {
  const service = () => BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!);

  beforeAll(async () => {
    await service().getContainerClient(CONTAINER).createIfNotExists();
  });

  it('refuses a line longer than the limit, naming the blob and the byte it starts at', async () => {
    const blob = service().getContainerClient(CONTAINER).getBlockBlobClient('one-line.csv');
    const body = Buffer.concat([Buffer.from('a,b\n'), Buffer.alloc(300 * 1024, 0x31)]);
    await blob.uploadData(body);
    const read = async () => {
      const lines: string[] = [];
      for await (const chunk of rangeLines(blob, body.length, 0, body.length, false, 16 * 1024, 64 * 1024))
        lines.push(...chunk);
      return lines;
    };
    await expect(read()).rejects.toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(/one-line\.csv.*byte 4 is longer than 65536 bytes/),
    });
  });

  it('still reads long lines under the limit, across chunks', async () => {
    const blob = service().getContainerClient(CONTAINER).getBlockBlobClient('long-lines.csv');
    const long = '2'.repeat(40 * 1024);
    const body = Buffer.from(`x\n${long}\n${long}\n`);
    await blob.uploadData(body);
    const lines: string[] = [];
    for await (const chunk of rangeLines(blob, body.length, 0, body.length, false, 16 * 1024, 64 * 1024))
      lines.push(...chunk);
    expect(lines).toEqual(['x', long, long]);
  });
});
