/**
 * The `triggerMetadata` the host sends with a blob trigger (docs/local-host-contract.md, "The Node worker protocol"): `BlobTrigger`, `Uri`,
 * `Properties`, `Metadata`, one string per path parameter and `sys`. PascalCase on the wire; the
 * library camel-cases the keys for `context.triggerMetadata`.
 */
import { randomUUID } from 'node:crypto';
import type { BlobItem } from '@azure/storage-blob';
import type { RpcTypedData } from '../core/rpcTypes';

/** .NET's `BlobType` names, which the host serializes. */
const BLOB_TYPES: Record<string, string> = { BlockBlob: 'Block', PageBlob: 'Page', AppendBlob: 'Append' };

/** The ETag in its HTTP header form, quoted (listings return it bare, uploads and HEAD quoted). */
export function quotedEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`;
}

/** A timestamp as the host writes a `DateTimeOffset`. */
function toHostTime(date: Date | undefined): string | undefined {
  return date?.toISOString().replace(/Z$/, '+00:00');
}

/** The blob's properties with .NET's `BlobProperties` names (a useful subset; absent ones omitted). */
export function toBlobProperties(item: BlobItem): Record<string, unknown> {
  const p = item.properties;
  const properties: Record<string, unknown> = {
    LastModified: toHostTime(p.lastModified),
    CreatedOn: toHostTime(p.createdOn),
    BlobType: p.blobType ? (BLOB_TYPES[p.blobType] ?? p.blobType) : undefined,
    ContentLength: p.contentLength,
    ContentType: p.contentType,
    ContentEncoding: p.contentEncoding,
    ContentLanguage: p.contentLanguage,
    ContentDisposition: p.contentDisposition,
    CacheControl: p.cacheControl,
    ContentHash: p.contentMD5 ? Buffer.from(p.contentMD5).toString('base64') : undefined,
    ETag: quotedEtag(p.etag),
    LeaseState: p.leaseState,
    LeaseStatus: p.leaseStatus,
    AccessTier: p.accessTier,
    AccessTierInferred: p.accessTierInferred,
    IsServerEncrypted: p.serverEncrypted,
    VersionId: item.versionId,
  };
  return Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined));
}

export interface BlobTriggerMetadataInput {
  functionName: string;
  container: string;
  item: BlobItem;
  uri: string;
  parameters: Record<string, string>;
  now?: Date;
}

export function toBlobTriggerMetadata(input: BlobTriggerMetadataInput): Record<string, RpcTypedData> {
  const { functionName, container, item, uri, parameters } = input;
  const metadata: Record<string, RpcTypedData> = {
    BlobTrigger: { string: `${container}/${item.name}` },
    Uri: { string: uri },
    Properties: { json: JSON.stringify(toBlobProperties(item)) },
    Metadata: { json: JSON.stringify(item.metadata ?? {}) },
  };
  for (const [name, value] of Object.entries(parameters)) metadata[name] = { string: value };
  metadata.sys = {
    json: JSON.stringify({
      MethodName: functionName,
      UtcNow: (input.now ?? new Date()).toISOString(),
      RandGuid: randomUUID(),
    }),
  };
  return metadata;
}
