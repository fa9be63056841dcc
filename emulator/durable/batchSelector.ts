/**
 * Chooses which inbox events the next episode delivers (docs/local-host-contract.md, "Durable replay engine"): control requests run
 * alone and first; a suspended instance holds everything else back; and an event that makes the SDK
 * allocate a task id ends the batch, so ids stay in step with the SDK's.
 */
import { isControlEvent, isTerminal } from './historyEvents';
import type { ExecState, InboxItem } from './executionState';
import { allocationFor } from './idAllocation';

export type Batch = { kind: 'control'; item: InboxItem } | { kind: 'episode'; items: InboxItem[] };

/** Whether an inbox item's record is on disk (only those are delivered, in journal order). */
export type IsSynced = (seq: number) => boolean;

/** The next batch at time `ts`, or undefined when nothing can be delivered now. */
export function selectBatch(
  state: ExecState,
  ts: string,
  synced: IsSynced = () => true,
  maxEvents = 10_000,
): Batch | undefined {
  if (state.status === 'Suspended') {
    const item = state.inbox.find((i) => isControlEvent(i.e));
    return item && synced(item.seq) ? { kind: 'control', item } : undefined;
  }
  const items: InboxItem[] = [];
  for (const item of state.inbox) {
    if (!synced(item.seq)) break;
    if (isControlEvent(item.e)) {
      if (items.length === 0) return { kind: 'control', item };
      break;
    }
    items.push(item);
    if (items.length >= maxEvents || allocationFor(state, item.e, ts)) break;
  }
  return items.length > 0 ? { kind: 'episode', items } : undefined;
}

/** Whether `selectBatch` would find something to deliver now. */
export function hasDeliverable(state: ExecState, synced: IsSynced = () => true): boolean {
  const first = state.inbox[0];
  if (isTerminal(state.status) || !first) return false;
  if (state.status === 'Suspended') return state.inbox.some((i) => isControlEvent(i.e) && synced(i.seq));
  return synced(first.seq);
}

/**
 * Replay costs grow with the history, so when an episode is expensive and more activity or
 * sub-orchestration results are still on their way, wait up to as long as the last episode took
 * (at most 100 ms) to deliver them in one batch: a fan-out of thousands then needs far fewer episodes.
 */
export async function coalesce(lastEpisodeMs: number, state: ExecState): Promise<void> {
  const waitMs = Math.min(lastEpisodeMs, 100);
  if (waitMs < 5 || state.inbox.some((i) => isControlEvent(i.e))) return;
  let outstanding = 0;
  for (const task of state.tasks.values()) if (task.kind !== 'timer' && !state.closed.has(task.id)) outstanding++;
  if (outstanding === 0) return;
  await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
}
