/**
 * Transactional batch and bulk (`POST .../docs` with `x-ms-cosmos-is-batch-request`), replacing the
 * package's handler (lib/handler/batch-documents.js, 1.0.1), which
 * - required a partition key on every operation (`container.items.batch(ops, pk)` sends it once, in
 *   the request header, so Upsert/Replace/Delete/Read failed),
 * - rejected Patch, and
 * - was not atomic: operations before a failing one stayed applied and reported success.
 * Here, as in Azure: operations default to the request's partition key; in an atomic batch a failure
 * undoes the earlier operations, reports the failed operation's status with 424 for all others, and
 * answers with that status; a non-atomic (bulk) request with failures answers 207.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Account from '@vercel/cosmosdb-server/lib/account';
import type Collection from '@vercel/cosmosdb-server/lib/account/collection';
import * as documentOperations from '@vercel/cosmosdb-server/lib/handler/_document-operations';
import { patchOperation } from '@vercel/cosmosdb-server/lib/handler/_patch-operations';
import readJson from '@vercel/cosmosdb-server/lib/json';
import { parsePartitionKey } from '@vercel/cosmosdb-server/lib/utils/get-partition-from-header';
import type { JSONObject, PatchOperation } from '@vercel/cosmosdb-server/lib/types';
import type { RecordStore, StoredRecord } from './cosmosStateOps';

interface BatchOperationInput {
  operationType?: string;
  id?: string;
  partitionKey?: string;
  ifMatch?: string;
  resourceBody?: unknown;
}

interface OperationOutcome {
  statusCode: number;
  body?: JSONObject;
}

const FAILED_DEPENDENCY = 424;

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(req: IncomingMessage, name: string): boolean {
  return headerValue(req, name)?.toLowerCase() === 'true';
}

function asObject(value: unknown): JSONObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JSONObject) : undefined;
}

function runOperation(collection: Collection, input: BatchOperationInput): OperationOutcome {
  const resourceBody = asObject(input.resourceBody) ?? {};
  switch (input.operationType) {
    case 'Create':
      return documentOperations.createOperation(collection, { resourceBody });
    case 'Upsert':
      return documentOperations.upsertOperation(collection, {
        partitionKey: input.partitionKey,
        ifMatch: input.ifMatch,
        resourceBody,
      });
    case 'Replace':
      return documentOperations.replaceOperation(collection, {
        partitionKey: input.partitionKey,
        ifMatch: input.ifMatch,
        resourceBody,
      });
    case 'Read':
      return documentOperations.readOperation(collection, { partitionKey: input.partitionKey, id: input.id ?? '' });
    case 'Delete':
      return documentOperations.deleteOperation(collection, {
        partitionKey: input.partitionKey,
        ifMatch: input.ifMatch,
        id: input.id ?? '',
      });
    case 'Patch': {
      const patch: { operations?: unknown; condition?: unknown } = Array.isArray(input.resourceBody)
        ? { operations: input.resourceBody }
        : (asObject(input.resourceBody) ?? {});
      const operations = patch.operations;
      if (!Array.isArray(operations))
        return {
          statusCode: 400,
          body: { code: 'BadRequest', message: 'Patch operation needs resourceBody.operations.' },
        };
      return patchOperation(collection, {
        id: input.id ?? '',
        partitionKey: input.partitionKey,
        ifMatch: input.ifMatch,
        operations: operations as PatchOperation[],
        condition: typeof patch.condition === 'string' ? patch.condition : undefined,
      });
    }
    default:
      return {
        statusCode: 400,
        body: {
          code: 'BadRequest',
          message: `Operation type '${String(input.operationType)}' is not supported in Batch.`,
        },
      };
  }
}

/** The item an operation touches, as (id, partition value). */
function targetOf(
  documents: RecordStore & { _getPartition(data: object): unknown },
  input: BatchOperationInput,
): [string, unknown] | undefined {
  const body = asObject(input.resourceBody);
  if (
    (input.operationType === 'Create' || input.operationType === 'Upsert' || input.operationType === 'Replace') &&
    body &&
    typeof body.id === 'string'
  ) {
    return [body.id, documents._getPartition(body)];
  }
  if (typeof input.id !== 'string' || input.partitionKey === undefined) return undefined;
  try {
    return [input.id, parsePartitionKey(input.partitionKey, input.id)];
  } catch {
    return undefined;
  }
}

/** Puts each touched item back as it was before the batch (through the store, so the journal sees it). */
function undo(
  documents: RecordStore,
  before: Map<string, { id: string; partition: unknown; record: StoredRecord | undefined }>,
): void {
  for (const { id, partition, record } of [...before.values()].reverse()) {
    if (documents._item('/id', id, partition).read()) documents.delete(id, partition);
    if (record) documents._set(record);
  }
}

/** Route handler with the package's handler signature. */
export default async function batchDocuments(
  account: Account,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): Promise<unknown> {
  const body = (await readJson(req)) as unknown;
  const collection = account.database(params.dbId ?? '').collection(params.collId ?? '');
  if (!collection.read()) {
    res.statusCode = 404;
    return {};
  }
  if (!Array.isArray(body)) {
    res.statusCode = 400;
    return { message: 'Invalid request body' };
  }
  const atomic = isTrue(req, 'x-ms-cosmos-batch-atomic');
  const continueOnError = isTrue(req, 'x-ms-cosmos-batch-continue-on-error');
  const requestPartitionKey = headerValue(req, 'x-ms-documentdb-partitionkey');
  const documents = collection.documents as unknown as RecordStore & { _getPartition(data: object): unknown };
  const before = new Map<string, { id: string; partition: unknown; record: StoredRecord | undefined }>();
  const results: Record<string, unknown>[] = [];
  let failed: { index: number; status: number } | undefined;

  for (const raw of body as unknown[]) {
    const input = { ...(asObject(raw) ?? {}) } as BatchOperationInput;
    if (failed && !continueOnError) {
      results.push({ statusCode: FAILED_DEPENDENCY, requestCharge: 0 });
      continue;
    }
    input.partitionKey ??= requestPartitionKey;
    const target = atomic ? targetOf(documents, input) : undefined;
    if (target) {
      const key = JSON.stringify(target);
      if (!before.has(key))
        before.set(key, {
          id: target[0],
          partition: target[1],
          record: documents._item('/id', target[0], target[1]).read() ?? undefined,
        });
    }
    let outcome: OperationOutcome;
    try {
      outcome = runOperation(collection, input);
    } catch (error) {
      outcome = { statusCode: 400, body: { code: 'BadRequest', message: (error as Error).message } };
    }
    if (outcome.statusCode >= 400) {
      failed ??= { index: results.length, status: outcome.statusCode };
      results.push({
        statusCode: outcome.statusCode,
        requestCharge: 0,
        message: typeof outcome.body?.message === 'string' ? outcome.body.message : undefined,
      });
    } else {
      results.push({
        statusCode: outcome.statusCode,
        requestCharge: 1,
        eTag: outcome.body?._etag,
        resourceBody: outcome.body,
      });
    }
  }

  if (failed) {
    if (atomic) {
      undo(documents, before);
      const failedIndex = failed.index;
      results.forEach((result, i) => {
        if (i !== failedIndex)
          Object.assign(result, {
            statusCode: FAILED_DEPENDENCY,
            requestCharge: 0,
            eTag: undefined,
            resourceBody: undefined,
          });
      });
      res.statusCode = failed.status;
    } else {
      res.statusCode = 207;
    }
  }
  return results;
}
