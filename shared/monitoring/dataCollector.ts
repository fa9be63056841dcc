/**
 * Data collection off the request path: scoring hands over a request's id with references to what
 * went in and came out (the tensors it already decoded and scored), which costs a sampling draw and an
 * array push: no row is built and nothing is encoded there. Every second the queue goes to a worker
 * thread that makes the JSON lines (collectionEncoder.ts), and the blocks are appended, one append blob
 * per instance and hour folder. The queue is bounded in requests and in tensor bytes: past either bound
 * a request is dropped and counted rather than held. A storage failure drops that batch and counts it in
 * the deployment's metrics (`collectionDropped`); it never reaches a scoring answer.
 *
 * @example collectRequest(doc, requestId, { tensors: feeds, columns }, { tensors: outputs });
 */
import { randomBytes } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { blobNameOf, containerOf, type DatastoreLocation } from '../datastores/datastorePaths';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import type { DeploymentDoc } from '../endpoints/endpointDocuments';
import { recordCollection } from '../endpoints/metrics/metricsRecorder';
import type { CollectedItem, CollectedPayload, EncodedBatch } from './collectedLines';
import { encodeCollected } from './collectionEncoder';
import { resolveDataCollection, type ResolvedDataCollection } from './collectionSettings';

const FLUSH_INTERVAL_MS = 1000;
/** Requests held while storage is slow; past it new ones are dropped (and counted) rather than growing memory. */
const MAX_QUEUED = 20_000;
/** Tensor bytes those requests may hold (large inputs such as images reach it long before MAX_QUEUED). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const DATASTORE_CACHE_MS = 30_000;
/** Names this instance's files: each instance appends only to its own blobs. */
const INSTANCE = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

let queue: CollectedItem[] = [];
let queuedBytes = 0;
/** Settings with defaults, per deployment document (a snapshot's documents live until it is refreshed). */
const resolvedSettings = new WeakMap<DeploymentDoc, ResolvedDataCollection>();
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> = Promise.resolve();
const datastores = new Map<string, { location: Promise<DatastoreLocation>; at: number }>();
const readyContainers = new Set<string>();
const createdBlobs = new Set<string>();

/** Queues a scored request for collection when the deployment collects and the sample draw picks it. */
export function collectRequest(
  doc: DeploymentDoc,
  requestId: string,
  inputs: CollectedPayload,
  outputs: CollectedPayload,
): void {
  const settings = doc.dataCollection;
  if (!settings?.enabled) return;
  let resolved = resolvedSettings.get(doc);
  if (!resolved) resolvedSettings.set(doc, (resolved = resolveDataCollection(settings)));
  const { samplingRate, collections, datastore } = resolved;
  if (samplingRate < 1 && Math.random() >= samplingRate) return;
  const bytes = payloadBytes(inputs) + payloadBytes(outputs);
  if (queue.length >= MAX_QUEUED || queuedBytes + bytes > MAX_QUEUED_BYTES) {
    recordCollection(doc.endpoint, doc.name, 0, collections.length);
    return;
  }
  queuedBytes += bytes;
  queue.push({
    endpoint: doc.endpoint,
    deployment: doc.name,
    datastore,
    collections,
    requestId,
    time: Date.now(),
    model_inputs: inputs,
    model_outputs: outputs,
  });
  timer ??= setTimeout(() => {
    timer = undefined;
    void flushCollectedData();
  }, FLUSH_INTERVAL_MS).unref();
}

/** What a payload's tensors hold, in bytes (strings and rows counted roughly: they come from a parsed body). */
function payloadBytes(payload: CollectedPayload): number {
  if ('rows' in payload) return payload.rows.length * 64;
  let bytes = 0;
  for (const t of payload.tensors) bytes += Array.isArray(t.data) ? t.data.length * 16 : t.data.byteLength;
  return bytes;
}

function datastoreLocation(name: string): Promise<DatastoreLocation> {
  const cached = datastores.get(name);
  if (cached && Date.now() - cached.at < DATASTORE_CACHE_MS) return cached.location;
  const location = readDatastoreDoc(name);
  datastores.set(name, { location, at: Date.now() });
  location.catch(() => datastores.delete(name));
  return location;
}

async function ensureContainer(container: ContainerClient): Promise<void> {
  if (readyContainers.has(container.containerName)) return;
  await container.createIfNotExists();
  readyContainers.add(container.containerName);
}

/** Appends the batch and counts its lines as collected, or as dropped when storage fails. */
async function append(batch: EncodedBatch): Promise<void> {
  const total = batch.blocks.reduce((n, b) => n + b.lines, 0);
  let written = 0;
  let blobKey: string | undefined;
  try {
    const location = await datastoreLocation(batch.datastore);
    const container = containerOf(location);
    await ensureContainer(container);
    const blobName = blobNameOf(location, batch.path);
    const blob = container.getAppendBlobClient(blobName);
    blobKey = `${location.container}/${blobName}`;
    if (!createdBlobs.has(blobKey)) {
      await blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/jsonl' } });
      createdBlobs.add(blobKey);
    }
    for (const { bytes, lines } of batch.blocks) {
      await blob.appendBlock(bytes, bytes.length);
      written += lines;
    }
  } catch {
    // Storage is down or the container was recreated: drop and count; create the blob again next time.
    if (blobKey) createdBlobs.delete(blobKey);
    readyContainers.clear();
  }
  recordCollection(batch.endpoint, batch.deployment, written, total - written + batch.dropped);
}

/** Writes what was queued so far (tests and shutdown call it; the timer does otherwise). */
export function flushCollectedData(): Promise<void> {
  flushing = flushing.then(async () => {
    const items = queue;
    queue = [];
    queuedBytes = 0;
    if (items.length === 0) return;
    let batches: EncodedBatch[];
    try {
      batches = await encodeCollected(items, INSTANCE);
    } catch {
      for (const item of items) recordCollection(item.endpoint, item.deployment, 0, item.collections.length);
      return;
    }
    await Promise.all(batches.map(append));
  });
  return flushing;
}
