/**
 * Chooses which inbox events the next episode delivers (contract §3.6–3.7): control requests run
 * alone and first; a suspended instance holds everything else back; and an event that makes the SDK
 * allocate a task id ends the batch, so ids stay in step with the SDK's.
 */
import { isControlEvent } from './historyEvents';
import type { ExecState, InboxItem } from './executionState';
import { allocationFor } from './idAllocation';

export type Batch = { kind: 'control'; item: InboxItem } | { kind: 'episode'; items: InboxItem[] };

/** The next batch at time `ts`, or undefined when nothing can be delivered now. */
export function selectBatch(state: ExecState, ts: string, maxEvents = 10_000): Batch | undefined {
  if (state.status === 'Suspended') {
    const item = state.inbox.find((i) => isControlEvent(i.e));
    return item ? { kind: 'control', item } : undefined;
  }
  const items: InboxItem[] = [];
  for (const item of state.inbox) {
    if (isControlEvent(item.e)) {
      if (items.length === 0) return { kind: 'control', item };
      break;
    }
    items.push(item);
    if (items.length >= maxEvents || allocationFor(state, item.e, ts)) break;
  }
  return items.length > 0 ? { kind: 'episode', items } : undefined;
}
