/**
 * The journal record of one orchestrator episode as it is built (docs/local-host-contract.md, "Durable replay
 * engine"): the history events, action signatures, tasks and retry chains of the actions it schedules, with task
 * ids allocated in flat order as the extension allocates them, and the ends of an execution (completed, failed).
 * Pure: no I/O, no clock.
 */
import { ActionType, consumesTaskId, preEncodedInputToJson, rawInputToJson, signatureOf } from './actions';
import type { ActionSig, OrchestratorAction } from './actions';
import { EventType, historyEvent, orchestrationStatusNumber } from './historyEvents';
import type { HistoryEvent, RuntimeStatus } from './historyEvents';
import { nextTimerPiece, retryDelayMs, retryExpired } from './idAllocation';
import type { Allocation, TimerSettings } from './idAllocation';
import type { EpisodeRecord, ExecState, InboxItem, RetryChain, TaskInfo } from './executionState';
import { unsupportedActionMessage } from './unsupportedActions';

/** What an episode's record is built from, besides the orchestrator's outcome. */
export interface EpisodeContext {
  state: ExecState;
  batch: readonly InboxItem[];
  /** This episode's OrchestratorStarted time. */
  ts: string;
  timers: TimerSettings;
}

export class RecordBuilder {
  readonly ev: HistoryEvent[] = [];
  readonly acts: ActionSig[] = [];
  readonly tasks: TaskInfo[] = [];
  readonly chains: RetryChain[] = [];
  nextId: number;

  constructor(private readonly input: EpisodeContext) {
    this.nextId = input.state.nextId;
  }

  private event(type: EventType, fields: Parameters<typeof historyEvent>[2], id = -1): void {
    this.ev.push(historyEvent(type, this.input.ts, fields, id));
  }

  record(status: RuntimeStatus, custom: unknown, output?: unknown): EpisodeRecord {
    this.event(EventType.OrchestratorCompleted, {});
    const { batch, ts } = this.input;
    const base = {
      k: 'ep' as const,
      ts,
      in: batch.map((b) => b.seq),
      ev: this.ev,
      nextId: this.nextId,
      status,
      custom,
      updated: ts,
    };
    return {
      ...base,
      acts: this.acts,
      tasks: this.tasks,
      chains: this.chains,
      ...(output === undefined ? {} : { output }),
    };
  }

  /** Ends the execution as Failed; nothing scheduled in this episode runs. */
  fail(message: string, custom: unknown): EpisodeRecord {
    this.ev.length = 0;
    this.tasks.length = 0;
    this.chains.length = 0;
    const output = `Orchestrator function '${this.input.state.name}' failed: ${message}`;
    this.event(EventType.ExecutionCompleted, {
      OrchestrationStatus: orchestrationStatusNumber.Failed,
      Result: JSON.stringify(output),
      FailureDetails: null,
    });
    return this.record('Failed', custom, output);
  }

  complete(output: unknown, custom: unknown): EpisodeRecord {
    this.event(EventType.ExecutionCompleted, {
      OrchestrationStatus: orchestrationStatusNumber.Completed,
      Result: rawInputToJson(output),
      FailureDetails: null,
    });
    return this.record('Completed', custom, output ?? null);
  }

  cancelTimerAt(pos: number): void {
    const id = this.input.state.timerAtPos.get(pos);
    const task = id === undefined ? undefined : this.input.state.tasks.get(id);
    if (task && !task.canceled) this.tasks.push({ ...task, canceled: true });
  }

  /** Schedules a new action at flat position `pos`; returns an error message for unsupported ones. */
  schedule(action: OrchestratorAction, pos: number): string | undefined {
    const unsupported = unsupportedActionMessage(action);
    if (unsupported) return unsupported;
    this.acts.push(signatureOf(action));
    if (!consumesTaskId(action.actionType)) return undefined;
    const name = action.functionName ?? '';
    let chain: number | undefined;
    if (
      action.actionType === ActionType.CallActivityWithRetry ||
      action.actionType === ActionType.CallSubOrchestratorWithRetry
    ) {
      chain = pos;
      this.chains.push({
        key: pos,
        kind: action.actionType === ActionType.CallActivityWithRetry ? 'activity' : 'sub',
        name,
        input: action.input,
        ...(action.instanceId ? { instanceId: action.instanceId } : {}),
        ...(action.version ? { version: action.version } : {}),
        options: action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 1 },
        failures: 0,
        firstTs: this.input.ts,
        expired: false,
      });
    }
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        this.scheduleActivity(name, action.input, pos, chain);
        return undefined;
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        this.scheduleSub(name, action.input, action.instanceId, action.version, pos, chain);
        return undefined;
      default: {
        // CreateTimer: the only other id-consuming supported action.
        const finalFireAt = validIso(action.fireAt, this.input.ts);
        const fireAt = nextTimerPiece(finalFireAt, this.input.ts, this.input.timers);
        this.scheduleTimer({
          pos,
          fireAt,
          canceled: action.isCanceled === true,
          ...(fireAt === finalFireAt ? {} : { finalFireAt }),
        });
        return undefined;
      }
    }
  }

  private scheduleActivity(
    name: string,
    input: unknown,
    pos: number | undefined,
    chain: number | undefined,
    failFast = false,
  ): void {
    const id = this.nextId++;
    this.event(EventType.TaskScheduled, { Name: name, Version: '', Input: preEncodedInputToJson(input) }, id);
    this.tasks.push({
      id,
      kind: 'activity',
      name,
      input,
      ...(pos === undefined ? {} : { pos }),
      ...(chain === undefined ? {} : { chain }),
      ...(failFast ? { failFast } : {}),
    });
  }

  private scheduleSub(
    name: string,
    input: unknown,
    instanceId: string | undefined,
    version: string | undefined,
    pos: number | undefined,
    chain: number | undefined,
    failFast = false,
  ): void {
    const id = this.nextId++;
    const childId = instanceId || `${this.input.state.instanceId}:${id}`;
    this.event(
      EventType.SubOrchestrationInstanceCreated,
      { Name: name, Version: version ?? '', InstanceId: childId, Input: rawInputToJson(input) },
      id,
    );
    this.tasks.push({
      id,
      kind: 'sub',
      name,
      input,
      childId,
      ...(version ? { version } : {}),
      ...(pos === undefined ? {} : { pos }),
      ...(chain === undefined ? {} : { chain }),
      ...(failFast ? { failFast } : {}),
    });
  }

  private scheduleTimer(fields: Omit<TaskInfo, 'id' | 'kind'> & { fireAt: string }): void {
    const id = this.nextId++;
    this.event(EventType.TimerCreated, { FireAt: fields.fireAt }, id);
    this.tasks.push({ id, kind: 'timer', ...fields });
  }

  /** Mirrors the id the SDK allocates while processing the episode's last event. */
  allocate(allocation: Allocation, event: HistoryEvent): void {
    const { ts } = this.input;
    if (allocation.kind === 'timerPiece') {
      const finalFireAt = allocation.task.finalFireAt ?? ts;
      const fireAt = nextTimerPiece(finalFireAt, ts, this.input.timers);
      this.scheduleTimer({
        ...(allocation.task.pos === undefined ? {} : { pos: allocation.task.pos }),
        fireAt,
        finalFireAt,
      });
      return;
    }
    const chain = { ...allocation.chain };
    if (allocation.kind === 'retryTimer') {
      chain.failures += 1;
      chain.lastReason = event.Reason ?? 'The task failed.';
      chain.lastDetails = event.Details ?? '';
      chain.expired = chain.expired || retryExpired(chain, ts);
      const delay = chain.expired ? 0 : retryDelayMs(chain.options, chain.failures);
      this.chains.push(chain);
      this.scheduleTimer({ fireAt: new Date(Date.parse(ts) + delay).toISOString(), chain: chain.key });
      return;
    }
    if (chain.kind === 'activity') this.scheduleActivity(chain.name, chain.input, undefined, chain.key, chain.expired);
    else
      this.scheduleSub(chain.name, chain.input, chain.instanceId, chain.version, undefined, chain.key, chain.expired);
  }
}

function validIso(value: string | undefined, fallback: string): string {
  const ms = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? fallback : value!;
}
