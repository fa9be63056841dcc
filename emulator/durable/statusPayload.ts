/**
 * The extension's `StatusResponsePayload` (docs/local-host-contract.md, "Durable Functions HTTP API"): camelCase
 * members, `input` and `output` always present, times without fractional seconds, and `historyEvents` (only with
 * showHistory) rewritten the way the extension's DurableClient does. Changing it breaks `DurableOrchestrationStatus`.
 */
import { EventType, orchestrationStatusNumber, parseToJToken, toStatusTime } from './historyEvents';
import type { HistoryEvent, RuntimeStatus } from './historyEvents';
import type { InstanceSummary } from './instanceStore';

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  /** Default true. */
  showInput?: boolean;
}

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export function statusPayload(
  summary: InstanceSummary,
  options: StatusOptions = {},
  history?: readonly HistoryEvent[],
): StatusPayload {
  const payload: StatusPayload = {
    name: summary.name,
    instanceId: summary.instanceId,
    runtimeStatus: summary.status,
    input: options.showInput === false ? null : parseToJToken(summary.input),
    customStatus: summary.customStatus ?? null,
    output: summary.output ?? null,
    createdTime: toStatusTime(summary.createdTime),
    lastUpdatedTime: toStatusTime(summary.lastUpdatedTime),
  };
  if (options.showHistory && history && summary.status !== 'Pending')
    payload.historyEvents = historyForStatus(history, options.showHistoryOutput === true);
  return payload;
}

const statusNames = Object.fromEntries(
  Object.entries(orchestrationStatusNumber).map(([name, n]) => [n, name]),
) as Record<number, string>;

/** History as the status API shows it: string event types, completions folded onto their schedule. */
export function historyForStatus(
  history: readonly HistoryEvent[],
  showHistoryOutput: boolean,
): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  const scheduled = new Map<string, { index: number; name: unknown; time: unknown }>();
  const removed = new Set<number>();
  const fold = (prefix: string, item: Record<string, unknown>, type: EventType, completed: EventType): void => {
    const key = `${prefix}_${String(item.TaskScheduledId)}`;
    const origin = scheduled.get(key);
    if (origin) {
      item.ScheduledTime = origin.time;
      item.FunctionName = origin.name;
      removed.add(origin.index);
    }
    delete item.TaskScheduledId;
    if (type === completed) {
      if (showHistoryOutput) item.Result = parseToJToken(item.Result as string | null | undefined);
      else delete item.Result;
    }
  };
  history.forEach((event, index) => {
    const item: Record<string, unknown> = {
      ...event,
      EventType: EventType[event.EventType] ?? String(event.EventType),
    };
    switch (event.EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${EventType[event.EventType]}_${event.EventId}`, {
          index,
          name: event.Name,
          time: event.Timestamp,
        });
        delete item.Version;
        delete item.Input;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        fold('TaskScheduled', item, event.EventType, EventType.TaskCompleted);
        break;
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        fold('SubOrchestrationInstanceCreated', item, event.EventType, EventType.SubOrchestrationInstanceCompleted);
        break;
      case EventType.ExecutionStarted:
        item.FunctionName = item.Name;
        for (const key of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags', 'Input'])
          delete item[key];
        break;
      case EventType.ExecutionCompleted:
        if (typeof event.OrchestrationStatus === 'number')
          item.OrchestrationStatus = statusNames[event.OrchestrationStatus] ?? event.OrchestrationStatus;
        if (showHistoryOutput) item.Result = parseToJToken(event.Result);
        else delete item.Result;
        break;
      case EventType.ExecutionTerminated:
      case EventType.EventRaised:
        delete item.Input;
        break;
      case EventType.TimerFired:
        delete item.TimerId;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        removed.add(index);
        break;
      default:
        break;
    }
    delete item.EventId;
    delete item.IsPlayed;
    items.push(item);
  });
  return items.filter((_, index) => !removed.has(index));
}
