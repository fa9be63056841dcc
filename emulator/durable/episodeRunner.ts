/**
 * Runs one orchestrator episode (docs/local-host-contract.md, "Durable replay engine"): the whole history of the execution
 * with the new events unplayed after a fresh OrchestratorStarted, sent as `{string: JSON}`.
 */
import { invoke, triggerBindingName } from '../invoker';
import { outcomeFromError, outcomeFromResponse } from './actions';
import type { EpisodeOutcome } from './actions';
import { EventType, historyEvent } from './historyEvents';
import type { HistoryEvent } from './historyEvents';
import { findDurableFunction, missingFunctionMessage } from './functionLookup';
import { toTimeSpan } from './idAllocation';
import type { TimerSettings } from './idAllocation';
import type { ExecState, InboxItem } from './executionState';

/** The `orchestrationTrigger` payload for an episode at `ts` delivering `batch`. */
export function orchestrationTriggerInput(
  state: ExecState,
  batch: readonly InboxItem[],
  ts: string,
  timers: TimerSettings,
): Record<string, unknown> {
  const fresh: HistoryEvent[] = [
    historyEvent(EventType.OrchestratorStarted, ts),
    ...batch.map((b) => ({ ...b.e, IsPlayed: false })),
  ];
  const started = state.history.find((e) => e.EventType === EventType.ExecutionStarted);
  return {
    history: [...state.history, ...fresh],
    input: parseInput(state.input),
    instanceId: state.instanceId,
    isReplaying: started?.IsPlayed === true,
    parentInstanceId: state.parent?.instanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: toTimeSpan(timers.longTimerIntervalMs),
    maximumShortTimerDuration: toTimeSpan(timers.maxShortTimerMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
}

function parseInput(input: string | null): unknown {
  if (input === null) return null;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** Invokes the orchestrator function; never rejects (faults come back as `{kind: 'fault'}`). */
export async function runOrchestrator(
  state: ExecState,
  batch: readonly InboxItem[],
  ts: string,
  timers: TimerSettings,
  timeoutMs?: number,
): Promise<EpisodeOutcome> {
  const functionId = findDurableFunction(state.name, 'orchestrationTrigger');
  if (!functionId) return { kind: 'fault', message: missingFunctionMessage(state.name, 'orchestrationTrigger') };
  const payload = JSON.stringify(orchestrationTriggerInput(state, batch, ts, timers));
  try {
    const response = await invoke(functionId, [{ name: triggerBindingName(functionId), data: { string: payload } }], {
      triggerMetadata: { instanceId: { string: state.instanceId } },
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    return outcomeFromResponse(response);
  } catch (error) {
    return outcomeFromError(error);
  }
}
