import { blobOfEvent, etagOfEvent, eventTimeOf } from '../../../shared/schedules/blobCreatedEvent';

const event = (overrides: Record<string, unknown> = {}) => ({
  eventType: 'Microsoft.Storage.BlobCreated',
  subject: '/blobServices/default/containers/workspaceblobstore/blobs/lake/drops/a b.csv',
  eventTime: '2026-12-04T20:00:00.1234567Z',
  data: { eTag: '0x8DDEADBEEF', url: 'https://acct.blob.core.windows.net/workspaceblobstore/lake/drops/a%20b.csv' },
  ...overrides,
});

describe('BlobCreated events as the scheduler reads them', () => {
  it('takes container and blob name from the subject', () => {
    expect(blobOfEvent(event())).toEqual({ container: 'workspaceblobstore', name: 'lake/drops/a b.csv' });
  });

  it('ignores other event types and subjects it does not know', () => {
    expect(blobOfEvent(event({ eventType: 'Microsoft.Storage.BlobDeleted' }))).toBeUndefined();
    expect(blobOfEvent(event({ subject: '/blobServices/default/containers/x' }))).toBeUndefined();
    expect(blobOfEvent(event({ subject: 42 }))).toBeUndefined();
  });

  it('reads the write time, and nothing from a time that is not one', () => {
    expect(eventTimeOf(event())?.toISOString()).toBe('2026-12-04T20:00:00.123Z');
    expect(eventTimeOf(event({ eventTime: 'soon' }))).toBeUndefined();
    expect(eventTimeOf(event({ eventTime: { at: 1 } }))).toBeUndefined();
  });

  it("uses the event's ETag when it is a string, without asking storage", async () => {
    const readEtag = jest.fn();
    await expect(etagOfEvent(event(), { container: 'c', name: 'n' }, readEtag)).resolves.toBe('0x8DDEADBEEF');
    expect(readEtag).not.toHaveBeenCalled();
  });

  // The host may hand the ETag over as something else than a plain string (an object, a number, nothing):
  // it is never treated as one; the blob's properties give it instead.
  it.each([[{ value: '0x1' }], [12345], [''], [null], [undefined]])(
    'reads the blob properties when the event ETag is %p',
    async (eTag) => {
      const readEtag = jest.fn(() => Promise.resolve('"0x8DFROMPROPS"'));
      await expect(etagOfEvent(event({ data: { eTag } }), { container: 'c', name: 'n' }, readEtag)).resolves.toBe(
        '"0x8DFROMPROPS"',
      );
      expect(readEtag).toHaveBeenCalledWith({ container: 'c', name: 'n' });
    },
  );

  it('reads the blob properties when the event has no data object', async () => {
    for (const data of [undefined, 'text', 7]) {
      await expect(
        etagOfEvent(event({ data }), { container: 'c', name: 'n' }, () => Promise.resolve(undefined)),
      ).resolves.toBeUndefined();
    }
  });
});
