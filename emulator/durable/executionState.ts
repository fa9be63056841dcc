/**
 * The state of one orchestration execution and the journal records that build it. The journal is
 * the source of truth: live updates and crash recovery both go through `applyRecord`, so a reloaded
 * execution is exactly the one that was running. Records are persisted as JSON lines; changing their
 * shape breaks reading data directories written by older builds.
 */
import type { ActionSig, RetryOptionsJson } from './actions';
import { EventType, completedTaskId, historyEvent, isTerminal } from './historyEvents';
import type { HistoryEvent, RuntimeStatus } from './historyEvents';

/** The parent of a sub-orchestration: where its result goes. */
export interface ParentLink {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
}

/** A task the host owes the orchestrator a completion for. */
export interface TaskInfo {
  id: number;
  kind: 'activity' | 'timer' | 'sub';
  /** Position of the action in the flat action list (timers and first attempts). */
  pos?: number;
  name?: string;
  /** The action's `input` as the SDK sent it (activities: pre-encoded). */
  input?: unknown;
  version?: string;
  fireAt?: string;
  childId?: string;
  canceled?: boolean;
  /** Key (action position) of the retry chain this attempt or retry timer belongs to. */
  chain?: number;
  /** For the pieces of a long timer (docs/local-host-contract.md, "Durable replay engine"): the final fire time. */
  finalFireAt?: string;
  /** Retry timeout expired: the attempt fails at once with the chain's last error. */
  failFast?: boolean;
}

/** A `callActivityWithRetry` / `callSubOrchestratorWithRetry` in progress. */
export interface RetryChain {
  key: number;
  kind: 'activity' | 'sub';
  name: string;
  input: unknown;
  instanceId?: string;
  version?: string;
  options: RetryOptionsJson;
  failures: number;
  firstTs: string;
  expired: boolean;
  lastReason?: string;
  lastDetails?: string;
}

export interface StartRecord {
  k: 'start';
  instanceId: string;
  name: string;
  executionId: string;
  version: string;
  /** Orchestration input as JSON text; null when none. */
  input: string | null;
  created: string;
  parent: ParentLink | null;
  generation: number;
  started: HistoryEvent;
  /** Events carried into this execution (raised events left over by continueAsNew). */
  carry: HistoryEvent[];
}

export interface InboxRecord {
  k: 'in';
  seq: number;
  e: HistoryEvent;
}

export interface EpisodeRecord {
  k: 'ep';
  /** OrchestratorStarted time (the deterministic clock); null for host-only control episodes. */
  ts: string | null;
  /** Inbox sequence numbers consumed, in delivery order. */
  in: number[];
  /** Events appended after the consumed ones. */
  ev: HistoryEvent[];
  acts: ActionSig[];
  tasks: TaskInfo[];
  chains: RetryChain[];
  nextId: number;
  status: RuntimeStatus;
  output?: unknown;
  custom: unknown;
  updated: string;
}

export type JournalRecord = StartRecord | InboxRecord | EpisodeRecord;

export interface InboxItem {
  seq: number;
  e: HistoryEvent;
}

export interface ExecState {
  instanceId: string;
  name: string;
  executionId: string;
  version: string;
  input: string | null;
  createdTime: string;
  parent: ParentLink | null;
  generation: number;
  status: RuntimeStatus;
  output: unknown;
  customStatus: unknown;
  lastUpdatedTime: string;
  history: HistoryEvent[];
  inbox: InboxItem[];
  nextSeq: number;
  acts: ActionSig[];
  nextId: number;
  /** Open tasks by id. */
  tasks: Map<number, TaskInfo>;
  /** Task ids with a completion (in history or inbox): later duplicates are dropped. */
  closed: Set<number>;
  chains: Map<number, RetryChain>;
  /** The current timer task of each CreateTimer action position (for `isCanceled`). */
  timerAtPos: Map<number, number>;
  lastTs: string | undefined;
}

/** A fresh execution from its start record (its ExecutionStarted is inbox item 0). */
export function executionFromStart(start: StartRecord): ExecState {
  const inbox: InboxItem[] = [start.started, ...start.carry].map((e, seq) => ({ seq, e }));
  return {
    instanceId: start.instanceId,
    name: start.name,
    executionId: start.executionId,
    version: start.version,
    input: start.input,
    createdTime: start.created,
    parent: start.parent,
    generation: start.generation,
    status: start.generation > 0 ? 'ContinuedAsNew' : 'Pending',
    output: null,
    customStatus: null,
    lastUpdatedTime: start.created,
    history: [],
    inbox,
    nextSeq: inbox.length,
    acts: [],
    nextId: 0,
    tasks: new Map(),
    closed: new Set(),
    chains: new Map(),
    timerAtPos: new Map(),
    lastTs: undefined,
  };
}

/** Applies an inbox or episode record to the execution (mutates it). */
export function applyRecord(state: ExecState, record: InboxRecord | EpisodeRecord): void {
  if (record.k === 'in') {
    state.inbox.push({ seq: record.seq, e: record.e });
    state.nextSeq = Math.max(state.nextSeq, record.seq + 1);
    const id = completedTaskId(record.e);
    if (id !== undefined) state.closed.add(id);
    return;
  }
  const wanted = new Set(record.in);
  const consumed = new Map<number, HistoryEvent>();
  state.inbox = state.inbox.filter((item) => {
    if (!wanted.has(item.seq)) return true;
    consumed.set(item.seq, item.e);
    return false;
  });
  if (record.ts !== null) {
    state.history.push(played(historyEvent(EventType.OrchestratorStarted, record.ts)));
    state.lastTs = record.ts;
  }
  for (const seq of record.in) {
    const event = consumed.get(seq);
    if (!event) continue;
    state.history.push(played(event));
    const id = completedTaskId(event);
    if (id !== undefined) state.tasks.delete(id);
  }
  for (const event of record.ev) state.history.push(played(event));
  state.acts.push(...record.acts);
  for (const task of record.tasks) {
    if (state.closed.has(task.id)) continue;
    state.tasks.set(task.id, task);
    if (task.kind === 'timer' && task.pos !== undefined) state.timerAtPos.set(task.pos, task.id);
  }
  for (const chain of record.chains) state.chains.set(chain.key, chain);
  state.nextId = record.nextId;
  state.status = record.status;
  if (record.output !== undefined) state.output = record.output;
  state.customStatus = record.custom;
  state.lastUpdatedTime = record.updated;
  if (isTerminal(record.status)) {
    state.tasks.clear();
    state.chains.clear();
    state.timerAtPos.clear();
  }
}

function played(event: HistoryEvent): HistoryEvent {
  return event.IsPlayed ? event : { ...event, IsPlayed: true };
}

/** Rebuilds an execution from its journal (first record must be `start`). */
export function replayJournal(records: readonly JournalRecord[]): ExecState {
  const [first, ...rest] = records;
  if (!first || first.k !== 'start') throw new Error('The journal does not begin with a start record.');
  const state = executionFromStart(first);
  for (const record of rest) {
    if (record.k === 'start') throw new Error('The journal holds a second start record.');
    applyRecord(state, record);
  }
  return state;
}
