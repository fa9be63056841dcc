/**
 * Turns one orchestrator episode into the journal record the host commits (docs/local-host-contract.md, "Durable
 * replay engine"): the determinism check, task ids for new actions in flat order, then the id the episode's last
 * event allocates (retries, long timers), and the terminal outcome. Pure: no I/O, no clock.
 */
import {
  ActionType,
  consumesTaskId,
  findNonDeterminism,
  flattenActions,
  preEncodedInputToJson,
  rawInputToJson,
  signatureOf,
} from './actions';
import type { ActionSig, EpisodeOutcome, OrchestratorAction } from './actions';
import { EventType, historyEvent, orchestrationStatusNumber, parseToJToken } from './historyEvents';
import type { HistoryEvent, RuntimeStatus } from './historyEvents';
import { allocationFor, nextTimerPiece, retryDelayMs, retryExpired } from './idAllocation';
import type { Allocation, TimerSettings } from './idAllocation';
import type { EpisodeRecord, ExecState, InboxItem, RetryChain, TaskInfo } from './executionState';

export interface PlanInput {
  state: ExecState;
  batch: readonly InboxItem[];
  /** This episode's OrchestratorStarted time. */
  ts: string;
  outcome: EpisodeOutcome;
  timers: TimerSettings;
}

export type EpisodePlan = { kind: 'record'; record: EpisodeRecord } | { kind: 'continueAsNew'; input: string | null };

/** The message an instance fails with when it schedules something the emulator cannot run. */
export function unsupportedActionMessage(action: OrchestratorAction): string | undefined {
  switch (action.actionType) {
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
    case ActionType.LockEntities:
    case ActionType.ReleaseEntities:
      return `Durable entities are not supported by the Sibyl emulator (the orchestration used an entity operation${
        action.instanceId ? ` on '${action.instanceId}'` : ''
      }). Use activities instead.`;
    case ActionType.CallHttp:
      return 'context.df.callHttp is not supported by the Sibyl emulator. Call HTTP endpoints from an activity instead.';
    default:
      return Object.values(ActionType).includes(action.actionType)
        ? undefined
        : `Unknown orchestrator action type ${String(action.actionType)}.`;
  }
}

class RecordBuilder {
  readonly ev: HistoryEvent[] = [];
  readonly acts: ActionSig[] = [];
  readonly tasks: TaskInfo[] = [];
  readonly chains: RetryChain[] = [];
  nextId: number;

  constructor(private readonly input: PlanInput) {
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
  fail(message: string, custom: unknown): EpisodePlan {
    this.ev.length = 0;
    this.tasks.length = 0;
    this.chains.length = 0;
    const output = `Orchestrator function '${this.input.state.name}' failed: ${message}`;
    this.event(EventType.ExecutionCompleted, {
      OrchestrationStatus: orchestrationStatusNumber.Failed,
      Result: JSON.stringify(output),
      FailureDetails: null,
    });
    return { kind: 'record', record: this.record('Failed', custom, output) };
  }

  complete(output: unknown, custom: unknown): EpisodePlan {
    this.event(EventType.ExecutionCompleted, {
      OrchestrationStatus: orchestrationStatusNumber.Completed,
      Result: rawInputToJson(output),
      FailureDetails: null,
    });
    return { kind: 'record', record: this.record('Completed', custom, output ?? null) };
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

/** Plans an orchestrator episode's commit. */
export function planEpisode(input: PlanInput): EpisodePlan {
  const { state, outcome, batch, ts } = input;
  const builder = new RecordBuilder(input);
  if (outcome.kind === 'fault') return builder.fail(outcome.message, state.customStatus);
  const result = outcome.state;
  const custom = result.customStatus ?? null;
  const flat = flattenActions(result.actions);
  const mismatch = findNonDeterminism(state.acts, flat);
  if (mismatch) return builder.fail(mismatch, custom);
  if (result.error !== undefined) return builder.fail(result.error, custom);
  if (result.isDone) {
    const continueAsNew = flat.find((action) => action.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return { kind: 'continueAsNew', input: preEncodedInputToJson(continueAsNew.input) };
    return builder.complete(result.output, custom);
  }
  for (let pos = 0; pos < state.acts.length; pos++) {
    const action = flat[pos];
    if (action?.actionType === ActionType.CreateTimer && action.isCanceled === true) builder.cancelTimerAt(pos);
  }
  for (let pos = state.acts.length; pos < flat.length; pos++) {
    const error = builder.schedule(flat[pos]!, pos);
    if (error) return builder.fail(error, custom);
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
