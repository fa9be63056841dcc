/**
 * Builds the first journal record of a new execution, with its ExecutionStarted event (docs/local-host-contract.md,
 * "Durable replay engine").
 */
import { randomUUID } from 'node:crypto';
import { EventType, historyEvent } from './historyEvents';
import type { HistoryEvent } from './historyEvents';
import type { ParentLink, StartRecord } from './executionState';

export interface StartArgs {
  instanceId: string;
  name: string;
  /** Orchestration input as JSON text; null for none. */
  inputJson: string | null;
  parent: ParentLink | null;
  version: string;
  generation?: number;
  /** Keeps the instance's creation time across continueAsNew. */
  createdTime?: string;
  carry?: HistoryEvent[];
}

export function newExecutionId(): string {
  return randomUUID().replace(/-/g, '');
}

export function makeStartRecord(args: StartArgs, now = new Date().toISOString()): StartRecord {
  const executionId = newExecutionId();
  const generation = args.generation ?? 0;
  const parent = args.parent;
  const started = historyEvent(EventType.ExecutionStarted, now, {
    OrchestrationInstance: { InstanceId: args.instanceId, ExecutionId: executionId },
    ParentInstance: parent
      ? {
          Name: parent.name,
          Version: '',
          TaskScheduleId: parent.taskId,
          OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
        }
      : null,
    Name: args.name,
    Version: args.version,
    Input: args.inputJson,
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: generation,
  });
  return {
    k: 'start',
    instanceId: args.instanceId,
    name: args.name,
    executionId,
    version: args.version,
    input: args.inputJson,
    created: args.createdTime ?? now,
    parent,
    generation,
    started,
    carry: args.carry ?? [],
  };
}
