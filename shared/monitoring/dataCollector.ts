/**
 * Data collection off the request path: scoring hands over a request's id and two thunks that make its
 * input and output rows, which costs a sampling draw and an array push. Every second the queue is
 * turned into JSON lines and appended, one append blob per instance and hour folder, in blocks of at
 * most 4 MiB. A storage failure drops that batch and counts it in the deployment's metrics
 * (`collectionDropped`); it never reaches a scoring answer.
 *
 * @example collectRequest(doc, requestId, () => tensorRows(feeds), () => tensorRows(outputs));
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { Collection } from '../api/schemas';
import { blobNameOf, containerOf, type DatastoreLocation } from '../datastores/datastorePaths';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import type { DeploymentDoc } from '../endpoints/endpointDocuments';
import { recordCollection } from '../endpoints/metrics/metricsRecorder';
import type { Row } from './collectedRows';
import { resolveDataCollection } from './collectionSettings';
import { hourFolder } from './collectionLayout';

const FLUSH_INTERVAL_MS = 1000;
/** Requests held while storage is slow; past it new ones are dropped (and counted) rather than growing memory. */
const MAX_QUEUED = 20_000;
/** Azure's limit for one append block. */
const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
const DATASTORE_CACHE_MS = 30_000;
/** Names this instance's files: each instance appends only to its own blobs. */
const INSTANCE = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

interface Collected {
  endpoint: string;
  deployment: string;
  datastore: string;
  collections: readonly Collection[];
  requestId: string;
  time: number;
  rows: Record<Collection, () => Row[]>;
}

/** One blob's worth of lines from one flush. */
interface BlobBatch {
  endpoint: string;
  deployment: string;
  datastore: string;
  path: string;
  lines: string[];
}

let queue: Collected[] = [];
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> = Promise.resolve();
const datastores = new Map<string, { location: Promise<DatastoreLocation>; at: number }>();
const readyContainers = new Set<string>();
const createdBlobs = new Set<string>();

/** Queues a scored request for collection when the deployment collects and the sample draw picks it. */
export function collectRequest(doc: DeploymentDoc, requestId: string, inputs: () => Row[], outputs: () => Row[]): void {
  const settings = doc.dataCollection;
  if (!settings?.enabled) return;
  const { samplingRate, collections, datastore } = resolveDataCollection(settings);
  if (samplingRate < 1 && Math.random() >= samplingRate) return;
  if (queue.length >= MAX_QUEUED) {
    recordCollection(doc.endpoint, doc.name, 0, collections.length);
    return;
  }
  queue.push({ endpoint: doc.endpoint, deployment: doc.name, datastore, collections, requestId, time: Date.now(), rows: { model_inputs: inputs, model_outputs: outputs } });
  timer ??= setTimeout(() => {
    timer = undefined;
    void flushCollectedData();
  }, FLUSH_INTERVAL_MS).unref();
}

/** One JSON line in Azure ML's collected-data shape (CloudEvents fields, `data` rows, `correlationid`). */
function lineOf(c: Collected, collection: Collection): string {
  return JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: `/endpoints/${c.endpoint}/deployments/${c.deployment}`,
    type: `azureml.inference.${collection}`,
    datacontenttype: 'application/json',
    time: new Date(c.time).toISOString(),
    data: c.rows[collection](),
    correlationid: c.requestId,
  });
}

function batchesOf(items: readonly Collected[]): { batches: BlobBatch[]; unreadable: Collected[] } {
  const batches = new Map<string, BlobBatch>();
  const unreadable: Collected[] = [];
  for (const c of items) {
    for (const collection of c.collections) {
      let line: string;
      try {
        line = lineOf(c, collection);
      } catch {
        unreadable.push(c);
        continue;
      }
      const path = `${hourFolder(c.endpoint, c.deployment, collection, new Date(c.time))}${INSTANCE}.jsonl`;
      const key = `${c.datastore}|${path}`;
      let batch = batches.get(key);
      if (!batch) batches.set(key, (batch = { endpoint: c.endpoint, deployment: c.deployment, datastore: c.datastore, path, lines: [] }));
      batch.lines.push(line);
    }
  }
  return { batches: [...batches.values()], unreadable };
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

/** Blocks of whole lines, each at most 4 MiB; a single line past that cannot be appended. */
function blocksOf(lines: readonly string[]): { blocks: { bytes: Buffer; lines: number }[]; oversized: number } {
  const blocks: { bytes: Buffer; lines: number }[] = [];
  let current: Buffer[] = [];
  let size = 0;
  let oversized = 0;
  for (const line of lines) {
    const bytes = Buffer.from(`${line}\n`);
    if (bytes.length > MAX_BLOCK_BYTES) {
      oversized++;
      continue;
    }
    if (size + bytes.length > MAX_BLOCK_BYTES) {
      blocks.push({ bytes: Buffer.concat(current, size), lines: current.length });
      current = [];
      size = 0;
    }
    current.push(bytes);
    size += bytes.length;
  }
  if (size > 0) blocks.push({ bytes: Buffer.concat(current, size), lines: current.length });
  return { blocks, oversized };
}

/** Appends the batch and counts its lines as collected, or as dropped when storage fails. */
async function append(batch: BlobBatch): Promise<void> {
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
    const { blocks, oversized } = blocksOf(batch.lines);
    for (const { bytes, lines } of blocks) {
      await blob.appendBlock(bytes, bytes.length);
      written += lines;
    }
    recordCollection(batch.endpoint, batch.deployment, written, oversized);
  } catch {
    // Storage is down or the container was recreated: drop and count; create the blob again next time.
    if (blobKey) createdBlobs.delete(blobKey);
    readyContainers.clear();
    recordCollection(batch.endpoint, batch.deployment, written, batch.lines.length - written);
  }
}

/** Writes what was queued so far (tests and shutdown call it; the timer does otherwise). */
export function flushCollectedData(): Promise<void> {
  flushing = flushing.then(async () => {
    const items = queue;
    queue = [];
    if (items.length === 0) return;
    const { batches, unreadable } = batchesOf(items);
    for (const c of unreadable) recordCollection(c.endpoint, c.deployment, 0, 1);
    await Promise.all(batches.map(append));
  });
  return flushing;
}
