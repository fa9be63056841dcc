/**
 * On-disk layout of a task hub: `<root>/instances/<dir>/journal.jsonl` (the source of truth, see
 * executionState.ts) and `state.json` (a summary cache, trusted only for terminal instances whose
 * journal still holds the same execution). Purges move the directory to `<root>/trash` first, so a
 * crash never leaves half an instance behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, readIfExists, writeFileAtomic } from './atomicFile';
import { isTerminal } from './historyEvents';
import type { RuntimeStatus } from './historyEvents';
import { Journal } from './journal';
import { replayJournal } from './executionState';
import type { ExecState, JournalRecord, ParentLink, StartRecord } from './executionState';

/** What `state.json` holds; also the in-memory form of a terminal instance. */
export interface InstanceSummary {
  v: 1;
  instanceId: string;
  name: string;
  executionId: string;
  version: string;
  status: RuntimeStatus;
  input: string | null;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  parent: ParentLink | null;
}

export type LoadedInstance =
  { kind: 'summary'; summary: InstanceSummary } | { kind: 'state'; state: ExecState; droppedBytes: number };

export function summaryOf(state: ExecState): InstanceSummary {
  return {
    v: 1,
    instanceId: state.instanceId,
    name: state.name,
    executionId: state.executionId,
    version: state.version,
    status: state.status,
    input: state.input,
    output: state.output ?? null,
    customStatus: state.customStatus ?? null,
    createdTime: state.createdTime,
    lastUpdatedTime: state.lastUpdatedTime,
    parent: state.parent,
  };
}

/** A readable, collision-free directory name for an instance id (ids may hold any character). */
export function instanceDirName(instanceId: string): string {
  const readable = instanceId
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^\./, '_')
    .slice(0, 48);
  return `${readable}-${createHash('sha256').update(instanceId).digest('hex').slice(0, 16)}`;
}

export class InstanceStore {
  readonly instancesDir: string;
  private readonly trashDir: string;

  constructor(
    readonly root: string,
    private readonly durable = true,
  ) {
    this.instancesDir = path.join(root, 'instances');
    this.trashDir = path.join(root, 'trash');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.instancesDir, { recursive: true });
    await fs.rm(this.trashDir, { recursive: true, force: true });
  }

  dirOf(instanceId: string): string {
    return path.join(this.instancesDir, instanceDirName(instanceId));
  }

  openJournal(instanceId: string): Journal {
    return new Journal(path.join(this.dirOf(instanceId), 'journal.jsonl'), this.durable);
  }

  /** Starts (or replaces) an instance's journal with `start`, through `journal` so it orders after earlier writes. */
  async create(journal: Journal, start: StartRecord): Promise<void> {
    const dir = this.dirOf(start.instanceId);
    await fs.rm(path.join(dir, 'state.json'), { force: true });
    await fs.mkdir(dir, { recursive: true });
    await journal.replace([start]);
    if (this.durable) await fsyncDir(this.instancesDir);
  }

  async writeSummary(summary: InstanceSummary, durable = this.durable): Promise<void> {
    await writeFileAtomic(path.join(this.dirOf(summary.instanceId), 'state.json'), JSON.stringify(summary), durable);
  }

  async listDirNames(): Promise<string[]> {
    const entries = await fs.readdir(this.instancesDir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  }

  /** Loads one instance directory; undefined (and removed) when it never finished being created. */
  async load(dirName: string): Promise<LoadedInstance | undefined> {
    const dir = path.join(this.instancesDir, dirName);
    const journalFile = path.join(dir, 'journal.jsonl');
    const summary = parseSummary(await readIfExists(path.join(dir, 'state.json')));
    if (summary && isTerminal(summary.status)) {
      const first = await Journal.readFirst<JournalRecord>(journalFile).catch(() => undefined);
      if (first?.k === 'start' && first.executionId === summary.executionId) return { kind: 'summary', summary };
    }
    let read;
    try {
      read = await Journal.read<JournalRecord>(journalFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await fs.rm(dir, { recursive: true, force: true });
      return undefined;
    }
    if (read.records[0]?.k !== 'start') {
      // The start record is written atomically, so this is a directory whose creation never completed.
      await fs.rm(dir, { recursive: true, force: true });
      return undefined;
    }
    return { kind: 'state', state: replayJournal(read.records), droppedBytes: read.droppedBytes };
  }

  /** The full execution of an instance, read without modifying the file (for showHistory). */
  async readExecution(instanceId: string): Promise<ExecState | undefined> {
    try {
      const { records } = await Journal.read<JournalRecord>(path.join(this.dirOf(instanceId), 'journal.jsonl'), false);
      return records[0]?.k === 'start' ? replayJournal(records) : undefined;
    } catch {
      return undefined;
    }
  }

  async purge(instanceId: string): Promise<void> {
    const dir = this.dirOf(instanceId);
    await fs.mkdir(this.trashDir, { recursive: true });
    const trashed = path.join(this.trashDir, `${path.basename(dir)}-${randomBytes(4).toString('hex')}`);
    try {
      await fs.rename(dir, trashed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (this.durable) await fsyncDir(this.instancesDir);
    await fs.rm(trashed, { recursive: true, force: true });
  }
}

function parseSummary(buffer: Buffer | undefined): InstanceSummary | undefined {
  if (!buffer) return undefined;
  try {
    const value = JSON.parse(buffer.toString('utf8')) as Partial<InstanceSummary>;
    return value.v === 1 && typeof value.instanceId === 'string' && typeof value.executionId === 'string'
      ? (value as InstanceSummary)
      : undefined;
  } catch {
    return undefined;
  }
}
