/**
 * DurableTask history events as the `durable-functions` SDK reads them (docs/local-host-contract.md, "Durable replay engine"): PascalCase
 * members, `EventType` as a number, ISO timestamps. Changing these shapes breaks replay.
 */

/** DurableTask.Core `EventType` numbers. */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Suspended';

/** DurableTask.Core `OrchestrationStatus` numbers, used in `ExecutionCompleted.OrchestrationStatus`. */
export const orchestrationStatusNumber: Record<RuntimeStatus, number> = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
  Suspended: 7,
};

export const runtimeStatuses = Object.keys(orchestrationStatusNumber) as RuntimeStatus[];

export function isTerminal(status: RuntimeStatus): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Terminated' || status === 'Canceled';
}

export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string;
}

/** One history event; only the members a given `EventType` uses are present. */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Version?: string;
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: null;
  OrchestrationStatus?: number;
  OrchestrationInstance?: OrchestrationInstanceRef;
  ParentInstance?: {
    Name: string;
    Version: string;
    TaskScheduleId: number;
    OrchestrationInstance: OrchestrationInstanceRef;
  } | null;
  Tags?: null;
  Correlation?: null;
  ScheduledStartTime?: null;
  Generation?: number;
}

type EventFields = Omit<HistoryEvent, 'EventType' | 'EventId' | 'IsPlayed' | 'Timestamp'>;

/** Builds an event; `eventId` is the task id for events that create a task, else -1. */
export function historyEvent(type: EventType, timestamp: string, fields: EventFields = {}, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp, ...fields };
}

/** The task id a completion event answers (`TaskScheduledId` or `TimerId`), if it is one. */
export function completedTaskId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId;
    case EventType.TimerFired:
      return event.TimerId;
    default:
      return undefined;
  }
}

/** Terminate / suspend / resume: handled by the host without running the orchestrator. */
export function isControlEvent(event: HistoryEvent): boolean {
  return (
    event.EventType === EventType.ExecutionTerminated ||
    event.EventType === EventType.ExecutionSuspended ||
    event.EventType === EventType.ExecutionResumed
  );
}

/** ISO time without fractional seconds, as the extension's status payload writes it. */
export function toStatusTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/** The extension's `ParseToJToken`: JSON when it parses, else the raw text; null stays null. */
export function parseToJToken(value: string | null | undefined): unknown {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length === 0) return '';
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return trimmed;
  }
}
