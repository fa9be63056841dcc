/**
 * What an orchestrator episode returns (docs/local-host-contract.md, "Durable replay engine"): the `OrchestratorState` with the
 * complete action list of the execution, either as the invocation's return value or after the
 * `$OutOfProcData$` label of a rejection.
 */
import { FunctionInvocationError } from '../invoker';
import type { RpcInvocationResponse } from '../core/rpcTypes';
import { fromTypedData } from '../typedData';

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

/** `RetryOptions` as the SDK serializes it. */
export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action object; members depend on `actionType`. */
export interface OrchestratorAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  retryOptions?: RetryOptionsJson;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  compoundActions?: OrchestratorAction[];
}

export interface OrchestratorState {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

/** What one orchestrator invocation produced. */
export type EpisodeOutcome = { kind: 'state'; state: OrchestratorState } | { kind: 'fault'; message: string };

/** Compact signature of a scheduled action, persisted for the determinism check. */
export interface ActionSig {
  t: ActionType;
  n?: string;
}

/**
 * All actions in scheduling order, compound `WhenAll`/`WhenAny` expanded depth-first (docs/local-host-contract.md,
 * "Durable replay engine").
 */
export function flattenActions(actions: OrchestratorAction[][] | undefined): OrchestratorAction[] {
  const flat: OrchestratorAction[] = [];
  const walk = (list: OrchestratorAction[] | undefined): void => {
    for (const action of list ?? []) {
      if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny)
        walk(action.compoundActions);
      else flat.push(action);
    }
  };
  for (const group of actions ?? []) walk(group);
  return flat;
}

export function signatureOf(action: OrchestratorAction): ActionSig {
  const name = action.functionName ?? action.externalEventName;
  return name === undefined ? { t: action.actionType } : { t: action.actionType, n: name };
}

/** Whether the host gives this action a task id (docs/local-host-contract.md, "Durable replay engine"). */
export function consumesTaskId(type: ActionType): boolean {
  return type !== ActionType.ContinueAsNew && type !== ActionType.WaitForExternalEvent;
}

const actionNames: Record<number, string> = {
  0: 'CallActivity',
  1: 'CallActivityWithRetry',
  2: 'CallSubOrchestrator',
  3: 'CallSubOrchestratorWithRetry',
  4: 'ContinueAsNew',
  5: 'CreateTimer',
  6: 'WaitForExternalEvent',
  7: 'CallEntity',
  8: 'CallHttp',
  9: 'SignalEntity',
  13: 'LockEntities',
  14: 'ReleaseEntities',
};

export function describeSig(sig: ActionSig | undefined): string {
  if (!sig) return 'nothing';
  const type = actionNames[sig.t] ?? `action type ${sig.t}`;
  return sig.n === undefined ? type : `${type} '${sig.n}'`;
}

/**
 * The first position where the replayed actions differ from those already scheduled, with a
 * message, or undefined when the replay is consistent (DurableTask's non-determinism check).
 */
export function findNonDeterminism(
  scheduled: readonly ActionSig[],
  replayed: readonly OrchestratorAction[],
): string | undefined {
  for (let i = 0; i < scheduled.length; i++) {
    const before = scheduled[i];
    const now = replayed[i];
    const sig = now ? signatureOf(now) : undefined;
    if (!before || !sig || sig.t !== before.t || sig.n !== before.n) {
      return (
        `Non-deterministic workflow detected: a previous execution of this orchestration scheduled ${describeSig(before)} ` +
        `as action #${i}, but the replay scheduled ${describeSig(sig)}. ` +
        'Was the orchestrator code changed while this instance was running?'
      );
    }
  }
  return undefined;
}

const outOfProcLabel = '\n\n$OutOfProcData$:';

/** Reads the orchestrator state from a successful invocation. */
export function outcomeFromResponse(response: RpcInvocationResponse): EpisodeOutcome {
  const value = fromTypedData(response.returnValue);
  if (!isOrchestratorState(value))
    return { kind: 'fault', message: 'The orchestrator function returned no orchestrator state.' };
  return { kind: 'state', state: value };
}

/** Reads the orchestrator state carried by a rejected invocation (`$OutOfProcData$`), else a fault. */
export function outcomeFromError(error: unknown): EpisodeOutcome {
  const message = error instanceof FunctionInvocationError || error instanceof Error ? error.message : String(error);
  const at = message.indexOf(outOfProcLabel);
  if (at >= 0) {
    try {
      const state: unknown = JSON.parse(message.slice(at + outOfProcLabel.length));
      if (isOrchestratorState(state)) {
        // SDK 3.5 puts `false` before the label; the real message is `state.error`.
        if (state.error === undefined) state.error = message.slice(0, at);
        return { kind: 'state', state };
      }
    } catch {
      // fall through: not the SDK's payload
    }
  }
  return { kind: 'fault', message };
}

function isOrchestratorState(value: unknown): value is OrchestratorState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<OrchestratorState>;
  return typeof v.isDone === 'boolean' && Array.isArray(v.actions);
}

/**
 * An action `input` that the SDK pre-encoded as JSON text (activities, continueAsNew) as the JSON
 * text of the value; other values are serialized. `null` means no input.
 */
export function preEncodedInputToJson(input: unknown): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return JSON.stringify(input);
}

/** A raw (not pre-encoded) value as JSON text; `null` for no value. */
export function rawInputToJson(input: unknown): string | null {
  return input === undefined ? null : JSON.stringify(input);
}
