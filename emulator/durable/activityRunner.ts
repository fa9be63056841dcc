/**
 * Runs one activity through the invoker and turns the outcome into its history event (contract
 * docs/local-host-contract.md, "The Node worker protocol"): the input as `{string}` JSON text, the result as JSON text
 * (bytes as base64, nothing as null), a thrown error as TaskFailed with string Reason/Details and null FailureDetails.
 */
import { FunctionInvocationError, invoke, triggerBindingName } from '../invoker';
import { fromTypedData, toStringTypedData } from '../typedData';
import { EventType, historyEvent } from './historyEvents';
import type { HistoryEvent } from './historyEvents';
import { findDurableFunction, missingFunctionMessage } from './functionLookup';

export interface ActivityJob {
  instanceId: string;
  taskId: number;
  name: string;
  /** The action's input as the SDK sent it (strings are pre-encoded JSON text). */
  input: unknown;
}

/** The `Result` text for an activity's return value. */
export function activityResultJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  return JSON.stringify(value);
}

/** A TaskFailed event the SDK can parse (both Reason and Details are strings). */
export function taskFailedEvent(
  taskId: number,
  reason: string,
  details: string,
  now = new Date().toISOString(),
): HistoryEvent {
  return historyEvent(EventType.TaskFailed, now, {
    TaskScheduledId: taskId,
    Reason: reason,
    Details: details,
    FailureDetails: null,
  });
}

export function errorDetails(error: unknown): string {
  const cause = error instanceof FunctionInvocationError ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return JSON.stringify({ Message: message, StackTrace: cause instanceof Error ? (cause.stack ?? null) : null });
}

/** Runs the activity; never rejects. */
export async function runActivity(job: ActivityJob, timeoutMs?: number): Promise<HistoryEvent> {
  const functionId = findDurableFunction(job.name, 'activityTrigger');
  if (!functionId) {
    const message = missingFunctionMessage(job.name, 'activityTrigger');
    return taskFailedEvent(job.taskId, message, JSON.stringify({ Message: message }));
  }
  try {
    const response = await invoke(
      functionId,
      [{ name: triggerBindingName(functionId), data: toStringTypedData(job.input) }],
      {
        triggerMetadata: { instanceId: { string: job.instanceId } },
        ...(timeoutMs ? { timeoutMs } : {}),
      },
    );
    const result = activityResultJson(fromTypedData(response.returnValue));
    return historyEvent(EventType.TaskCompleted, new Date().toISOString(), {
      TaskScheduledId: job.taskId,
      Result: result,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return taskFailedEvent(job.taskId, `Activity function '${job.name}' failed: ${message}`, errorDetails(error));
  }
}
