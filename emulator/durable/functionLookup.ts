/** Finds registered durable functions by name, case-insensitively as the Functions host does. */
import { state } from '../core/functionsCore';

export type DurableTriggerType = 'orchestrationTrigger' | 'activityTrigger';

/** The registered function id for `name` with a trigger of `type`, or undefined. */
export function findDurableFunction(name: string, type: DurableTriggerType): string | undefined {
  const matches = (id: string): boolean => {
    const fn = state.functions.get(id);
    return fn !== undefined && Object.values(fn.metadata.bindings).some((b) => b.type === type);
  };
  if (matches(name)) return name;
  const lower = name.toLowerCase();
  return [...state.functions.keys()].find((id) => id.toLowerCase() === lower && matches(id));
}

export function missingFunctionMessage(name: string, type: DurableTriggerType): string {
  const kind = type === 'orchestrationTrigger' ? 'orchestrator' : 'activity';
  return `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function.`;
}
