/**
 * The vocabulary of the durable Cosmos store: state changes ("ops") of the account held by
 * `@vercel/cosmosdb-server`, and typed access to the package's internal stores they apply to.
 *
 * Ops carry the record exactly as the server stores it (`_rid`, `_etag`, `_ts`, `_self` included), so
 * a replay restores documents byte-for-byte and ETags stay valid across restarts. Parents are named by
 * `_rid` (stable for an object's life; a re-created container gets a new one).
 *
 * Format (journal and snapshot lines). Changing it breaks existing data folders: bump the version in
 * cosmosDurableStore.ts and keep reading the old one.
 */
import type Account from '@vercel/cosmosdb-server/lib/account';

/** db = database, coll = container, doc = item, udf = user-defined function. */
export type CosmosKind = 'db' | 'coll' | 'doc' | 'udf';

/** A record as the server stores it. */
export interface StoredRecord {
  id: string;
  _rid: string;
  [key: string]: unknown;
}

/** One state change. `parent`: rids of the owning database (and container), outermost first. */
export type CosmosStateOp =
  | { op: 'put'; kind: CosmosKind; parent: string[]; count: number; data: StoredRecord }
  | { op: 'del'; kind: CosmosKind; parent: string[]; rid: string }
  /** The store's resource-id counter, so that rids are never reused after a restart. */
  | { op: 'count'; kind: CosmosKind; parent: string[]; count: number };

/** One entry of a package store (`Item`): a database, container, item or UDF. */
export interface StoreEntry {
  _data: StoredRecord | null | undefined;
  read(): StoredRecord | null | undefined;
  collections?: RecordStore;
  documents?: RecordStore;
  userDefinedFunctions?: RecordStore;
  partitionKeyRanges?: RecordStore;
}

/** The parts of the package's `Items` class (lib/account/items.js) the durable store relies on. */
export interface RecordStore {
  _parent: StoreEntry;
  _data: Map<string, StoreEntry>;
  _ridCount: number;
  /** Only on the UDF store: compiled functions by id. */
  functions?: Record<string, unknown>;
  _set(data: StoredRecord): StoredRecord;
  _item(keyPath: string, idOrRid: string, partition: unknown): StoreEntry;
  _newItem(data?: StoredRecord | null): StoreEntry;
  delete(idOrRid: string, partition?: unknown): void;
  replace(data: StoredRecord, original: StoredRecord): StoredRecord;
}

/** The root store of an account. */
export function databasesOf(account: Account): RecordStore {
  return account.databases as unknown as RecordStore;
}

/** The child stores of an entry: collections of a database; documents and UDFs of a collection. */
export function childStoresOf(kind: CosmosKind, entry: StoreEntry): Partial<Record<CosmosKind, RecordStore>> {
  if (kind === 'db') return { coll: entry.collections };
  if (kind === 'coll') return { doc: entry.documents, udf: entry.userDefinedFunctions };
  return {};
}

/** The store an op applies to, or undefined when its parent no longer exists. */
export function storeFor(account: Account, kind: CosmosKind, parent: readonly string[]): RecordStore | undefined {
  const databases = databasesOf(account);
  if (kind === 'db') return databases;
  const database = databases._data.get(parent[0] ?? '');
  if (!database) return undefined;
  if (kind === 'coll') return database.collections;
  const collection = database.collections?._data.get(parent[1] ?? '');
  if (!collection) return undefined;
  return kind === 'doc' ? collection.documents : collection.userDefinedFunctions;
}

/**
 * Fails fast, with a message, when the installed `@vercel/cosmosdb-server` no longer has the internals
 * the durable store uses (they are not public API; checked against 1.0.1).
 */
export function assertSupportedServerInternals(account: Account): void {
  const databases = databasesOf(account) as Partial<RecordStore>;
  const ok =
    databases._data instanceof Map &&
    typeof databases._ridCount === 'number' &&
    typeof databases._set === 'function' &&
    typeof databases._newItem === 'function' &&
    typeof databases._item === 'function' &&
    typeof databases.delete === 'function';
  if (!ok)
    throw new Error(
      'The installed @vercel/cosmosdb-server does not have the account internals Sibyl persists ' +
        '(checked against 1.0.1); ' +
        'persistence cannot work with this version.',
    );
}
