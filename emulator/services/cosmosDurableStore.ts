/**
 * Makes one in-memory `@vercel/cosmosdb-server` account durable in a folder:
 *
 * - `snapshot.ndjson`: the whole state as ops, one per line, between a header (`{"snapshot":1,"seq":N}`)
 *   and a trailer (`{"end":<op count>}`); written to a temp file, fsynced, then renamed, so it is
 *   always complete.
 * - `journal.ndjson`: one line per flush, `{"s":<seq>,"o":[ops]}`, appended before the server answers
 *   the request that caused it (a crash loses at most writes not yet acknowledged). All ops of one
 *   request are one line, so a torn write loses the request entirely, never half of it (a replace is
 *   a delete plus a put). A torn last line is ignored at start; a bad line elsewhere is corruption
 *   and stops start-up with a message.
 * - Start: load the snapshot, replay journal lines with seq above the snapshot's, then compact when
 *   the journal held anything (which also drops a torn tail). Compaction also runs when the journal
 *   outgrows `compactAfterBytes` and on a clean stop. A crash between the snapshot rename and the
 *   journal truncation is harmless: those lines' seq are not above the snapshot's.
 * - `LOCK`: the pid of the process using the folder; a second live process is refused.
 *
 * Records keep their system properties (`_rid`, `_etag`, `_ts`), so ETags stay valid after a restart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Account from '@vercel/cosmosdb-server/lib/account';
import { applyStateOp, listStateOps } from './cosmosAccountState';
import { recordMutations } from './cosmosMutationRecorder';
import { assertSupportedServerInternals, type CosmosStateOp } from './cosmosStateOps';
import type { ServiceLogger } from './serviceLogger';
import { acquireDirLock } from './dirLock';

const SNAPSHOT_VERSION = 1;
const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;
/** Snapshot lines are written in chunks of about this size (no single giant string). */
const WRITE_CHUNK_CHARS = 1024 * 1024;

export interface CosmosDurableStoreOptions {
  dir: string;
  compactAfterBytes?: number;
  /** fdatasync after each journal append (power-loss safe) instead of only handing it to the OS. */
  fsync: boolean;
  log: ServiceLogger;
}

export interface CosmosDurableStore {
  dir: string;
  /** Appends the changes made since the last flush as one journal line. */
  flush(): void;
  /** Writes a snapshot of the current state and empties the journal. */
  compact(): void;
  /** Flushes and releases the folder. */
  close(): void;
}

interface ReadJournal {
  ops: CosmosStateOp[][];
  lastSeq: number;
  hadContent: boolean;
}

function parseLine(line: string): unknown {
  return JSON.parse(line) as unknown;
}

function readSnapshot(file: string, account: Account): number {
  if (!fs.existsSync(file)) return 0;
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const header = lines.length > 0 ? (parseLine(lines[0] ?? '') as { snapshot?: number; seq?: number }) : {};
  const trailer = lines.length > 1 ? (parseLine(lines[lines.length - 1] ?? '') as { end?: number }) : {};
  if (header.snapshot !== SNAPSHOT_VERSION || typeof header.seq !== 'number')
    throw new Error(`${file} is not a Sibyl Cosmos snapshot (version ${SNAPSHOT_VERSION}).`);
  if (trailer.end !== lines.length - 2) throw new Error(`${file} is incomplete (no trailer or wrong op count).`);
  for (let i = 1; i < lines.length - 1; i += 1) applyStateOp(account, parseLine(lines[i] ?? '') as CosmosStateOp);
  return header.seq;
}

function readJournal(file: string, afterSeq: number, log: ServiceLogger): ReadJournal {
  if (!fs.existsSync(file)) return { ops: [], lastSeq: afterSeq, hadContent: false };
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const result: ReadJournal = { ops: [], lastSeq: afterSeq, hadContent: text.length > 0 };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    let entry: { s?: unknown; o?: unknown };
    try {
      entry = parseLine(line) as { s?: unknown; o?: unknown };
    } catch {
      // The last segment has no newline after it only if its write was cut short.
      if (i === lines.length - 1) {
        log.warn(
          `Cosmos store: ignoring a torn last journal line (${line.length} bytes) in ${file}; that write was never acknowledged.`,
        );
        break;
      }
      throw new Error(
        `Cosmos store: ${file} line ${i + 1} is corrupt (not a torn last line). Move the folder aside to start empty, or fix the line.`,
      );
    }
    if (typeof entry.s !== 'number' || !Array.isArray(entry.o))
      throw new Error(`Cosmos store: ${file} line ${i + 1} is not a journal entry.`);
    if (entry.s <= afterSeq) continue;
    result.ops.push(entry.o as CosmosStateOp[]);
    result.lastSeq = entry.s;
  }
  return result;
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported everywhere (Windows); the rename itself is still atomic.
  }
}

function writeSnapshot(file: string, account: Account, seq: number): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    let chunk = `${JSON.stringify({ snapshot: SNAPSHOT_VERSION, seq })}\n`;
    let count = 0;
    for (const op of listStateOps(account)) {
      chunk += `${JSON.stringify(op)}\n`;
      count += 1;
      if (chunk.length >= WRITE_CHUNK_CHARS) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, `${chunk}${JSON.stringify({ end: count })}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  fsyncDir(path.dirname(file));
}

/**
 * Replays the folder's state into `account` (which must be new and empty) and records every later
 * change. Call `flush()` after each request, before answering it.
 */
export function openCosmosDurableStore(account: Account, options: CosmosDurableStoreOptions): CosmosDurableStore {
  const { dir, log } = options;
  const compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
  if (!Number.isFinite(compactAfterBytes) || compactAfterBytes <= 0)
    throw new Error(`compactAfterBytes must be a positive number, got ${String(options.compactAfterBytes)}.`);
  assertSupportedServerInternals(account);
  fs.mkdirSync(dir, { recursive: true });
  const lock = acquireDirLock(path.join(dir, 'LOCK'), 'Cosmos data');
  const snapshotFile = path.join(dir, 'snapshot.ndjson');
  const journalFile = path.join(dir, 'journal.ndjson');

  let pending: string[] = [];
  const recorder = recordMutations(account, (op) => pending.push(JSON.stringify(op)));
  let seq: number;
  let hadJournal: boolean;
  const started = Date.now();
  try {
    fs.rmSync(`${snapshotFile}.tmp`, { force: true });
    const snapshotSeq = readSnapshot(snapshotFile, account);
    const journal = readJournal(journalFile, snapshotSeq, log);
    let orphans = 0;
    for (const ops of journal.ops) for (const op of ops) if (!applyStateOp(account, op)) orphans += 1;
    if (orphans > 0)
      log.warn(
        `Cosmos store: ${orphans} journal op(s) referred to a database or container that no longer exists; skipped.`,
      );
    seq = journal.lastSeq;
    hadJournal = journal.hadContent;
  } catch (error) {
    lock.release();
    throw error;
  }
  recorder.recording = true;

  const fd = fs.openSync(journalFile, 'a');
  let journalBytes = fs.fstatSync(fd).size;
  let closed = false;

  const store: CosmosDurableStore = {
    dir,
    flush() {
      if (closed || pending.length === 0) return;
      const line = `{"s":${seq + 1},"o":[${pending.join(',')}]}\n`;
      try {
        fs.writeSync(fd, line);
        if (options.fsync) fs.fdatasyncSync(fd);
      } catch (error) {
        // Drop a partial line so later appends stay readable; keep the ops to retry with the next flush.
        try {
          fs.ftruncateSync(fd, journalBytes);
        } catch {
          /* the torn tail is ignored at the next start anyway */
        }
        throw new Error(`Cosmos store: could not append to ${journalFile}: ${(error as Error).message}`);
      }
      seq += 1;
      pending = [];
      journalBytes += Buffer.byteLength(line);
      if (journalBytes > compactAfterBytes) store.compact();
    },
    compact() {
      if (closed) return;
      // The snapshot is the current state, pending changes included; they need no journal line.
      writeSnapshot(snapshotFile, account, seq);
      pending = [];
      fs.ftruncateSync(fd, 0);
      journalBytes = 0;
    },
    close() {
      if (closed) return;
      try {
        store.flush();
      } finally {
        closed = true;
        fs.closeSync(fd);
        lock.release();
      }
    },
  };
  if (hadJournal) store.compact();
  log.debug(`Cosmos store: loaded ${dir} in ${Date.now() - started} ms`);
  return store;
}
