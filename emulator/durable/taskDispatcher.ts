/**
 * Starts the work behind scheduled tasks once their episode is durable (docs/local-host-contract.md, "Durable replay engine"):
 * activities on the bounded pool, timers on the wall clock, sub-orchestrations as child instances.
 * Also used after a restart for every task that has no completion yet, so it is idempotent per task.
 */
import { rawInputToJson } from './actions';
import type { ActivityPool } from './activityPool';
import { runActivity, taskFailedEvent, type ActivityJob } from './activityRunner';
import { EventType, historyEvent, isTerminal } from './historyEvents';
import type { HistoryEvent } from './historyEvents';
import { findDurableFunction, missingFunctionMessage } from './functionLookup';
import type { ExecState, ParentLink, TaskInfo } from './executionState';
import type { InstanceSummary } from './instanceStore';
import type { TimerService } from './timerService';

/** What the dispatcher needs from the instance host. */
export interface DispatchHost {
  deliver(instanceId: string, executionId: string | undefined, event: HistoryEvent): Promise<unknown>;
  /** The instance's current summary, if it exists. */
  find(instanceId: string): InstanceSummary | undefined;
  /** Whether the task is still open in that execution (skip work nobody waits for). */
  isOpen(instanceId: string, executionId: string, taskId: number): boolean;
  createInstance(args: {
    name: string;
    instanceId: string;
    inputJson: string | null;
    parent: ParentLink;
    version: string;
  }): Promise<string>;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** The event a parent receives when its sub-orchestration reaches a terminal state. */
export function parentCompletionEvent(child: InstanceSummary, taskId: number): HistoryEvent {
  const now = new Date().toISOString();
  if (child.status === 'Completed') {
    const result = child.output === undefined || child.output === null ? null : JSON.stringify(child.output);
    return historyEvent(EventType.SubOrchestrationInstanceCompleted, now, { TaskScheduledId: taskId, Result: result });
  }
  const output = typeof child.output === 'string' ? child.output : JSON.stringify(child.output);
  const reason =
    child.status === 'Failed'
      ? String(child.output)
      : `Orchestrator function '${child.name}' was ${child.status.toLowerCase()}: ${output}`;
  return subFailedEvent(taskId, reason, now);
}

function subFailedEvent(taskId: number, reason: string, now = new Date().toISOString()): HistoryEvent {
  return historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
    TaskScheduledId: taskId,
    Reason: reason,
    Details: JSON.stringify({ Message: reason }),
    FailureDetails: null,
  });
}

/** Runs one activity and gives its completion event; never rejects. */
export type ActivityRun = (job: ActivityJob, timeoutMs?: number) => Promise<HistoryEvent>;

export class TaskDispatcher {
  constructor(
    private readonly host: DispatchHost,
    readonly activities: ActivityPool,
    readonly timers: TimerService,
    private readonly activityTimeoutMs?: number,
    private readonly runOne: ActivityRun = runActivity,
  ) {}

  dispatch(state: ExecState, task: TaskInfo): void {
    const { instanceId, executionId } = state;
    if (task.failFast) {
      // The retry timeout ran out: the attempt fails at once with the last error.
      const chain = task.chain === undefined ? undefined : state.chains.get(task.chain);
      const reason = chain?.lastReason ?? 'The retry timeout expired.';
      const event =
        task.kind === 'sub'
          ? subFailedEvent(task.id, reason)
          : taskFailedEvent(task.id, reason, chain?.lastDetails ?? '');
      void this.host.deliver(instanceId, executionId, event);
      return;
    }
    switch (task.kind) {
      case 'activity':
        this.activities.run(async () => {
          if (!this.host.isOpen(instanceId, executionId, task.id)) return;
          const event = await this.runOne(
            { instanceId, taskId: task.id, name: task.name ?? '', input: task.input },
            this.activityTimeoutMs,
          );
          await this.host.deliver(instanceId, executionId, event);
        });
        return;
      case 'timer':
        if (task.canceled) this.timers.disarm(instanceId, task.id);
        else {
          const fireAt = task.fireAt ?? new Date().toISOString();
          this.timers.arm(instanceId, task.id, fireAt, () => {
            void this.host.deliver(
              instanceId,
              executionId,
              historyEvent(EventType.TimerFired, new Date().toISOString(), { TimerId: task.id, FireAt: fireAt }),
            );
          });
        }
        return;
      case 'sub':
        void this.startChild(state, task).catch((error: unknown) => {
          this.host.log(
            'error',
            `Could not start sub-orchestration '${task.childId ?? ''}' of '${instanceId}': ${String(error)}`,
          );
        });
        return;
    }
  }

  private async startChild(state: ExecState, task: TaskInfo): Promise<void> {
    const link: ParentLink = {
      instanceId: state.instanceId,
      executionId: state.executionId,
      taskId: task.id,
      name: state.name,
    };
    const childId = task.childId ?? `${state.instanceId}:${task.id}`;
    const name = task.name ?? '';
    const fail = (reason: string): Promise<unknown> =>
      this.host.deliver(link.instanceId, link.executionId, subFailedEvent(task.id, reason));
    const existing = this.host.find(childId);
    if (existing) {
      const ours =
        existing.parent?.instanceId === link.instanceId &&
        existing.parent.executionId === link.executionId &&
        existing.parent.taskId === link.taskId;
      if (ours) {
        // Restart after a crash: the child exists; a finished one may not have reported back yet.
        if (isTerminal(existing.status))
          await this.host.deliver(link.instanceId, link.executionId, parentCompletionEvent(existing, task.id));
        return;
      }
      if (!isTerminal(existing.status)) {
        await fail(`An orchestration with instance ID '${childId}' already exists and is ${existing.status}.`);
        return;
      }
    }
    if (!findDurableFunction(name, 'orchestrationTrigger')) {
      await fail(missingFunctionMessage(name, 'orchestrationTrigger'));
      return;
    }
    try {
      await this.host.createInstance({
        name,
        instanceId: childId,
        inputJson: rawInputToJson(task.input),
        parent: link,
        version: task.version ?? '',
      });
    } catch (error) {
      await fail(error instanceof Error ? error.message : String(error));
    }
  }
}
