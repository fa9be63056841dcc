/**
 * Reading a storage `Microsoft.Storage.BlobCreated` event (Event Grid schema) without trusting its shape:
 * the blob's container and name come from the subject, its ETag from `data.eTag` when that is a non-empty
 * string, else from the blob's properties. Nothing here reads the blob's content.
 *
 * @example
 *   const blob = blobOfEvent(event); // { container: 'workspaceblobstore', name: 'lake/a.csv' }
 *   const etag = await etagOfEvent(event, blob, readEtag);
 */

export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

/** The fields of an Event Grid event this module reads; anything may be missing or of another type. */
export interface BlobEventLike {
  subject?: unknown;
  eventType?: unknown;
  eventTime?: unknown;
  data?: unknown;
}

export interface BlobRef {
  container: string;
  name: string;
}

const SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

/** The blob a BlobCreated event is about, or undefined for another event type or an unexpected subject. */
export function blobOfEvent(event: BlobEventLike): BlobRef | undefined {
  if (event.eventType !== BLOB_CREATED || typeof event.subject !== 'string') return undefined;
  const m = SUBJECT.exec(event.subject);
  return m ? { container: m[1]!, name: m[2]! } : undefined;
}

/** When the blob was written, from the event's time (undefined when absent or not a date). */
export function eventTimeOf(event: BlobEventLike): Date | undefined {
  if (typeof event.eventTime !== 'string') return undefined;
  const time = new Date(event.eventTime);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * The blob version's ETag: `data.eTag` when it is a non-empty string (Event Grid sends it bare,
 * `0x8D…`), otherwise what `readEtag` finds in the blob's properties (undefined: the blob is gone).
 */
export async function etagOfEvent(
  event: BlobEventLike,
  blob: BlobRef,
  readEtag: (blob: BlobRef) => Promise<string | undefined>,
): Promise<string | undefined> {
  const data = event.data;
  const tag = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).eTag : undefined;
  if (typeof tag === 'string' && tag !== '') return tag;
  return readEtag(blob);
}
