/**
 * Applies stored ops to an account (replay) and lists an account's whole state as ops (snapshot).
 */
import type Account from '@vercel/cosmosdb-server/lib/account';
import { carryOverChildren } from './cosmosMutationRecorder';
import {
  childStoresOf,
  databasesOf,
  storeFor,
  type CosmosKind,
  type CosmosStateOp,
  type RecordStore,
} from './cosmosStateOps';

/** Compiles a UDF body the way the package does when one is created (lib/account/user-defined-functions.js). */
function compileUdf(body: unknown): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the server runs UDF bodies this way; they come from our own store.
  const define = new Function(`"use strict";return (${String(body)})`) as () => unknown;
  return define();
}

function raiseCount(store: RecordStore, count: number): void {
  if (Number.isSafeInteger(count) && count > store._ridCount) store._ridCount = count;
}

/**
 * Applies one op. A put over an existing rid replaces the record (keeping a container's or
 * database's children); a delete of a missing rid is a no-op. Returns false when the op's parent
 * does not exist (nothing applied).
 */
export function applyStateOp(account: Account, op: CosmosStateOp): boolean {
  const store = storeFor(account, op.kind, op.parent);
  if (!store) return false;
  if (op.op === 'count') {
    raiseCount(store, op.count);
    return true;
  }
  if (op.op === 'del') {
    if (store._data.has(op.rid)) store.delete(op.rid, undefined);
    return true;
  }
  const before = store._data.get(op.data._rid);
  if (before) store.delete(op.data._rid, undefined);
  store._set(op.data);
  const after = store._data.get(op.data._rid);
  if (before && after) carryOverChildren(op.kind, before, after);
  if (op.kind === 'udf' && store.functions) store.functions[op.data.id] = compileUdf(op.data.body);
  raiseCount(store, op.count);
  return true;
}

function* storeOps(store: RecordStore, kind: CosmosKind, parent: string[]): Generator<CosmosStateOp> {
  for (const entry of store._data.values()) {
    const data = entry.read();
    if (!data) continue;
    yield { op: 'put', kind, parent, count: 0, data };
    for (const [childKind, child] of Object.entries(childStoresOf(kind, entry)) as [
      CosmosKind,
      RecordStore | undefined,
    ][]) {
      if (child) yield* storeOps(child, childKind, [...parent, data._rid]);
    }
  }
  yield { op: 'count', kind, parent, count: store._ridCount };
}

/** Every op needed to rebuild the account's current state, parents before children. */
export function listStateOps(account: Account): Generator<CosmosStateOp> {
  return storeOps(databasesOf(account), 'db', []);
}
