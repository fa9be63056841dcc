/**
 * Observes every state change of one `@vercel/cosmosdb-server` account as it happens.
 *
 * Why at the store level rather than by recording HTTP requests: every write path of the server
 * (create, upsert, replace, patch, delete, transactional batch, bulk, container and database
 * changes) ends in the store's `_set` or `delete`, so hooking those two sees each change once, in
 * order, with the record as stored (system properties included), and no route's request format has
 * to be understood. The hooks are installed on this account's store objects only (own properties
 * shadowing the prototype methods), never on the package's classes, so other servers in the process
 * are untouched.
 *
 * Also fixes one server behaviour: replacing a container (`container.replace(...)`, e.g. to change
 * its indexing policy) used to drop all its items, unlike Azure; the container's items, UDFs and
 * partition key ranges now carry over.
 */
import type Account from '@vercel/cosmosdb-server/lib/account';
import {
  childStoresOf,
  databasesOf,
  type CosmosKind,
  type CosmosStateOp,
  type RecordStore,
  type StoreEntry,
  type StoredRecord,
} from './cosmosStateOps';

export interface MutationRecorder {
  /** While false (replaying stored state) changes are applied but not reported. */
  recording: boolean;
}

type Emit = (op: CosmosStateOp) => void;

interface HookContext {
  recorder: MutationRecorder;
  emit: Emit;
  /** > 0 while a container replace runs; its inner delete + set are reported as one put. */
  suppressed: number;
}

function report(context: HookContext, op: CosmosStateOp): void {
  if (context.recorder.recording && context.suppressed === 0) context.emit(op);
}

/** Moves a replaced container's contents onto its new store entry. */
export function carryOverChildren(kind: CosmosKind, from: StoreEntry, to: StoreEntry): void {
  if (kind === 'db') {
    if (from.collections) {
      to.collections = from.collections;
      to.collections._parent = to;
    }
    return;
  }
  if (kind !== 'coll') return;
  for (const name of ['documents', 'userDefinedFunctions', 'partitionKeyRanges'] as const) {
    const store = from[name];
    if (store) {
      to[name] = store;
      store._parent = to;
    }
  }
}

function hookStore(store: RecordStore, kind: CosmosKind, parent: readonly string[], context: HookContext): void {
  const set = store._set.bind(store);
  const remove = store.delete.bind(store);
  const newItem = store._newItem.bind(store);
  const replace = store.replace.bind(store);
  const parentRids = [...parent];

  store._set = (data: StoredRecord): StoredRecord => {
    const stored = set(data);
    report(context, { op: 'put', kind, parent: parentRids, count: store._ridCount, data: stored });
    return stored;
  };
  store.delete = (idOrRid: string, partition?: unknown): void => {
    const rid = store._item('/id', idOrRid, partition).read()?._rid;
    remove(idOrRid, partition);
    if (rid) report(context, { op: 'del', kind, parent: parentRids, rid });
  };
  // New databases and containers get their child stores hooked as they are created (also during replay).
  store._newItem = (data?: StoredRecord | null): StoreEntry => {
    const entry = newItem(data);
    if (data) {
      for (const [childKind, child] of Object.entries(childStoresOf(kind, entry)) as [
        CosmosKind,
        RecordStore | undefined,
      ][]) {
        if (child) hookStore(child, childKind, [...parentRids, data._rid], context);
      }
    }
    return entry;
  };
  if (kind === 'coll') {
    store.replace = (data: StoredRecord, original: StoredRecord): StoredRecord => {
      const before = store._data.get(original._rid);
      context.suppressed += 1;
      let stored: StoredRecord;
      try {
        stored = replace(data, original);
      } finally {
        context.suppressed -= 1;
      }
      const after = store._data.get(stored._rid);
      if (before && after) carryOverChildren(kind, before, after);
      report(context, { op: 'put', kind, parent: parentRids, count: store._ridCount, data: stored });
      return stored;
    };
  }
}

/**
 * Hooks the account's stores (call before any database exists or is replayed) and reports each
 * change to `emit` while `recording` is true.
 */
export function recordMutations(account: Account, emit: Emit): MutationRecorder {
  const recorder: MutationRecorder = { recording: false };
  const databases = databasesOf(account);
  if (databases._data.size > 0) throw new Error('recordMutations must be installed on an empty account.');
  hookStore(databases, 'db', [], { recorder, emit, suppressed: 0 });
  return recorder;
}
