/**
 * Turns one orchestrator episode into the journal record the host commits (docs/local-host-contract.md, "Durable
 * replay engine"): the determinism check, task ids for new actions in flat order, then the id the episode's last
 * event allocates (retries, long timers), and the terminal outcome; and the host-only episodes of terminate,
 * suspend and resume. The record itself is built in episodeRecordBuilder.ts. Pure: no I/O, no clock.
 */
import { ActionType, findNonDeterminism, flattenActions, preEncodedInputToJson } from './actions';
import type { EpisodeOutcome } from './actions';
import { EventType, historyEvent, orchestrationStatusNumber, parseToJToken } from './historyEvents';
import { allocationFor } from './idAllocation';
import type { EpisodeRecord, ExecState, InboxItem } from './executionState';
import { RecordBuilder, type EpisodeContext } from './episodeRecordBuilder';

export interface PlanInput extends EpisodeContext {
  outcome: EpisodeOutcome;
}

export type EpisodePlan = { kind: 'record'; record: EpisodeRecord } | { kind: 'continueAsNew'; input: string | null };

/** Plans an orchestrator episode's commit. */
export function planEpisode(input: PlanInput): EpisodePlan {
  const { state, outcome, batch, ts } = input;
  const builder = new RecordBuilder(input);
  const failed = (message: string, custom: unknown): EpisodePlan => ({
    kind: 'record',
    record: builder.fail(message, custom),
  });
  if (outcome.kind === 'fault') return failed(outcome.message, state.customStatus);
  const result = outcome.state;
  const custom = result.customStatus ?? null;
  const flat = flattenActions(result.actions);
  const mismatch = findNonDeterminism(state.acts, flat);
  if (mismatch) return failed(mismatch, custom);
  if (result.error !== undefined) return failed(result.error, custom);
  if (result.isDone) {
    const continueAsNew = flat.find((action) => action.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return { kind: 'continueAsNew', input: preEncodedInputToJson(continueAsNew.input) };
    return { kind: 'record', record: builder.complete(result.output, custom) };
  }
  for (let pos = 0; pos < state.acts.length; pos++) {
    const action = flat[pos];
    if (action?.actionType === ActionType.CreateTimer && action.isCanceled === true) builder.cancelTimerAt(pos);
  }
  for (let pos = state.acts.length; pos < flat.length; pos++) {
    const error = builder.schedule(flat[pos]!, pos);
    if (error) return failed(error, custom);
  }
  const last = batch[batch.length - 1];
  const allocation = last ? allocationFor(state, last.e, ts) : undefined;
  if (last && allocation) builder.allocate(allocation, last.e);
  return { kind: 'record', record: builder.record('Running', custom) };
}

/** Plans a host-only episode for a terminate / suspend / resume request. */
export function planControl(state: ExecState, item: InboxItem, now: string): EpisodeRecord {
  const base = {
    k: 'ep' as const,
    ts: null,
    in: [item.seq],
    acts: [],
    tasks: [],
    chains: [],
    nextId: state.nextId,
    custom: state.customStatus,
    updated: now,
  };
  if (item.e.EventType === EventType.ExecutionTerminated) {
    const reason = item.e.Input ?? null;
    const ev = [
      historyEvent(EventType.ExecutionCompleted, now, {
        OrchestrationStatus: orchestrationStatusNumber.Terminated,
        Result: reason,
        FailureDetails: null,
      }),
    ];
    return { ...base, ev, status: 'Terminated', output: parseToJToken(reason) };
  }
  if (item.e.EventType === EventType.ExecutionSuspended) return { ...base, ev: [], status: 'Suspended' };
  return {
    ...base,
    ev: [],
    status: state.status === 'Suspended' ? (state.lastTs === undefined ? 'Pending' : 'Running') : state.status,
  };
}
