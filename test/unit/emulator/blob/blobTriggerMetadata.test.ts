import type { BlobItem } from '@azure/storage-blob';
import { quotedEtag, toBlobProperties, toBlobTriggerMetadata } from '../../../../emulator/blob/blobTriggerMetadata';

const item: BlobItem = {
  name: 'in/report.csv',
  deleted: false,
  snapshot: '',
  metadata: { source: 'test' },
  properties: {
    etag: '0x8DC0000000001',
    lastModified: new Date('2024-01-01T00:00:00Z'),
    createdOn: new Date('2024-01-01T00:00:00Z'),
    contentLength: 8,
    contentType: 'text/csv',
    blobType: 'BlockBlob',
    contentMD5: new Uint8Array([1, 2, 3]),
  },
};

describe('blob trigger metadata', () => {
  it('quotes bare ETags from listings and leaves header ones alone', () => {
    expect(quotedEtag('0x1')).toBe('"0x1"');
    expect(quotedEtag('"0x1"')).toBe('"0x1"');
  });

  it('names the properties as .NET BlobProperties, omitting absent ones', () => {
    expect(toBlobProperties(item)).toEqual({
      LastModified: '2024-01-01T00:00:00.000+00:00',
      CreatedOn: '2024-01-01T00:00:00.000+00:00',
      BlobType: 'Block',
      ContentLength: 8,
      ContentType: 'text/csv',
      ContentHash: 'AQID',
      ETag: '"0x8DC0000000001"',
    });
  });

  it('sends BlobTrigger, Uri, Properties, Metadata, each path parameter and sys', () => {
    const metadata = toBlobTriggerMetadata({
      functionName: 'csvIn',
      container: 'uploads',
      item,
      uri: 'http://127.0.0.1:10000/devstoreaccount1/uploads/in/report.csv',
      parameters: { name: 'report' },
      now: new Date('2024-01-01T00:00:01Z'),
    });
    expect(Object.keys(metadata)).toEqual(['BlobTrigger', 'Uri', 'Properties', 'Metadata', 'name', 'sys']);
    expect(metadata.BlobTrigger).toEqual({ string: 'uploads/in/report.csv' });
    expect(metadata.name).toEqual({ string: 'report' });
    expect(JSON.parse(metadata.Metadata!.json!)).toEqual({ source: 'test' });
    expect(JSON.parse(metadata.sys!.json!)).toEqual({
      MethodName: 'csvIn',
      UtcNow: '2024-01-01T00:00:01.000Z',
      RandGuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});
