/** The orchestrator actions the emulator cannot run (entities, durable HTTP) and the message an instance fails with. */
import { ActionType } from './actions';
import type { OrchestratorAction } from './actions';

const CALL_HTTP_UNSUPPORTED =
  'context.df.callHttp is not supported by the Sibyl emulator. Call HTTP endpoints from an activity instead.';

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
      return CALL_HTTP_UNSUPPORTED;
    default:
      return Object.values(ActionType).includes(action.actionType)
        ? undefined
        : `Unknown orchestrator action type ${String(action.actionType)}.`;
  }
}
