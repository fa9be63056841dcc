/** A typed view of the registered functions, by trigger kind, for the host's adapters. */
import { state } from './core/functionsCore';
import type { RpcBinding } from './core/rpcTypes';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

interface Base {
  name: string;
  triggerBindingName: string;
  trigger: RpcBinding;
}

export interface HttpFunction extends Base {
  kind: 'http';
  route: string;
  methods: string[];
  authLevel: AuthLevel;
}
export interface TimerFunction extends Base {
  kind: 'timer';
  schedule: string;
  runOnStartup: boolean;
  useMonitor: boolean;
}
export interface BlobFunction extends Base {
  kind: 'blob';
  path: string;
  connection: string;
  source: string;
}
/** An Event Grid trigger: the local host delivers it the storage's BlobCreated events (see `BlobListener`). */
export interface EventGridFunction extends Base {
  kind: 'eventGrid';
}
export interface OrchestrationFunction extends Base {
  kind: 'orchestration';
}
export interface ActivityFunction extends Base {
  kind: 'activity';
}
export interface OtherFunction extends Base {
  kind: 'other';
}

export type FunctionDescriptor =
  | HttpFunction
  | TimerFunction
  | BlobFunction
  | EventGridFunction
  | OrchestrationFunction
  | ActivityFunction
  | OtherFunction;

/**
 * The host's `ScriptHost.ValidateHttpFunction`: a missing, empty or blank route becomes the function's
 * name (so `route: ''` is served at `/<name>`, never at `/`).
 */
export function routeOf(route: unknown, functionName: string): string {
  return typeof route === 'string' && route.trim() !== '' ? route : functionName;
}

/**
 * `ScriptHost.ValidateHttpFunction` refuses routes in the host's own space (`admin…`, `runtime…`, compared
 * after trimming slashes, lower-cased, by prefix): the function is not loaded, the others are.
 */
export function reservedRouteProblem(route: string): string | undefined {
  const normalized = route.replace(/^\/+|\/+$/g, '').toLowerCase();
  if (normalized.startsWith('admin') || normalized.startsWith('runtime'))
    return 'The specified route conflicts with one or more built in routes.';
  return undefined;
}

export function describeFunctions(): FunctionDescriptor[] {
  return [...state.functions.values()].map(({ metadata }) => {
    const entry = Object.entries(metadata.bindings).find(([, binding]) => binding.type.endsWith('Trigger'));
    if (!entry) throw new Error(`Function '${metadata.name}' has no trigger binding.`);
    const [triggerBindingName, trigger] = entry;
    const base = { name: metadata.name, triggerBindingName, trigger };
    switch (trigger.type) {
      case 'httpTrigger':
        return {
          ...base,
          kind: 'http',
          route: routeOf(trigger.route, metadata.name),
          methods: Array.isArray(trigger.methods)
            ? (trigger.methods as string[]).map((m) => m.toUpperCase())
            : ['GET', 'POST'],
          authLevel: ((trigger.authLevel as string | undefined)?.toLowerCase() ?? 'anonymous') as AuthLevel,
        };
      case 'timerTrigger':
        return {
          ...base,
          kind: 'timer',
          schedule: String(trigger.schedule),
          runOnStartup: trigger.runOnStartup === true,
          useMonitor: trigger.useMonitor !== false,
        };
      case 'blobTrigger':
        return {
          ...base,
          kind: 'blob',
          path: String(trigger.path),
          connection: typeof trigger.connection === 'string' ? trigger.connection : 'AzureWebJobsStorage',
          source: typeof trigger.source === 'string' ? trigger.source : 'LogsAndContainerScan',
        };
      case 'eventGridTrigger':
        return { ...base, kind: 'eventGrid' };
      case 'orchestrationTrigger':
        return { ...base, kind: 'orchestration' };
      case 'activityTrigger':
        return { ...base, kind: 'activity' };
      default:
        return { ...base, kind: 'other' };
    }
  });
}
