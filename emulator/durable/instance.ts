/** The host's runtime record of one instance, and its summary view. */
import type { ExecState } from './executionState';
import { summaryOf } from './instanceStore';
import type { InstanceSummary } from './instanceStore';
import type { Journal } from './journal';

/** One instance as the host holds it: live state, or only the summary once it is terminal. */
export interface Instance {
  id: string;
  journal: Journal;
  state: ExecState | undefined;
  summary: InstanceSummary | undefined;
  looping: boolean;
  /** Task ids of the current execution already handed to the dispatcher. */
  dispatched: Set<number>;
  /** Inbox items whose journal record is not on disk yet: episodes never consume them. */
  unsynced: Set<number>;
  /** Last OrchestratorStarted time, kept across executions so the clock never goes back. */
  lastTs: number;
  /** How long the last orchestrator invocation took (drives batching, see `coalesce`). */
  lastEpisodeMs: number;
}

export type DeliverResult = 'accepted' | 'missing' | 'gone' | 'duplicate' | 'failed';

export function newInstance(id: string, journal: Journal): Instance {
  return {
    id,
    journal,
    state: undefined,
    summary: undefined,
    looping: false,
    dispatched: new Set(),
    unsynced: new Set(),
    lastTs: 0,
    lastEpisodeMs: 0,
  };
}

/** The summary of an instance, live or terminal. */
export function view(inst: Instance): InstanceSummary {
  if (inst.state) return summaryOf(inst.state);
  if (!inst.summary) throw new Error(`Instance '${inst.id}' has no state.`);
  return inst.summary;
}
