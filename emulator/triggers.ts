/**
 * The non-HTTP triggers of the app: the Durable engine (orchestrations, activities, client
 * binding), timers and blob triggers. Started after the app is loaded; stopped before it.
 */
import type { CoreLogLevel } from './core/rpcTypes';
import { DurableEngine, managementApi } from './durable';
import { securedClientInputData } from './securedClientBinding';
import type { EventGridFunction, FunctionDescriptor } from './functionCatalog';
import { parseBlobEventSubscriptions } from './blob/blobEventSubscriptions';
import type { ReservedAnswer, ReservedRequest } from './http/frontDoor';
import type { HostLogger } from './hostLogger';
import type { HostSettings } from './hostSettings';
import { BlobListener } from './blob/blobListener';
import { TimerScheduler } from './timer/timerScheduler';
import type { RpcParameterBinding, RpcTypedData } from './core/rpcTypes';
import { inputBindingNames, logInvocation } from './invoker';
import type { ActivityJob } from './durable/activityRunner';
import { ActivityWorkers } from './durable/activityWorkers';

export interface Triggers {
  durable: { handle(req: ReservedRequest): Promise<ReservedAnswer>; clientInputData(): RpcTypedData } | undefined;
  timers: { fireNow(name: string): Promise<void> };
  stop(): Promise<void>;
}

function levelLogger(log: HostLogger): (level: CoreLogLevel, message: string) => void {
  return (level, message) => {
    if (level === 'error' || level === 'critical') log.error(message);
    else if (level === 'warning') log.warn(message);
    else if (level === 'information') log.info(message);
    else log.debug(message);
  };
}

export async function startTriggers(options: {
  settings: HostSettings;
  functions: FunctionDescriptor[];
  baseUrl: string;
  durableKey: string;
  log: HostLogger;
}): Promise<Triggers> {
  const { settings, functions, baseUrl, log } = options;
  const byLevel = levelLogger(log);
  const hasDurable = functions.some((f) => f.kind === 'orchestration' || f.kind === 'activity');
  const workers =
    hasDurable && settings.activityWorkers > 0
      ? new ActivityWorkers(settings.appDir, settings.activityWorkers, logInvocation, (level, message) =>
          log[level](message),
        )
      : undefined;
  const engine = hasDurable
    ? new DurableEngine({
        dataDir: settings.dataDir,
        hubName: settings.hubName,
        maxConcurrentActivities: settings.maxConcurrentActivities,
        maxConcurrentOrchestrations: settings.maxConcurrentOrchestrations,
        functionTimeoutMs: settings.functionTimeoutMs,
        ...(workers ? { runActivity: (job: ActivityJob, timeoutMs?: number) => workers.run(job, timeoutMs) } : {}),
        log: (level, message) => log[level](message),
      })
    : undefined;
  await engine?.start();
  const clientData = securedClientInputData(baseUrl, settings.hubName, options.durableKey);

  // Timer and blob functions get the durableClient binding too, as in Azure.
  const extraInputs = (name: string): RpcParameterBinding[] =>
    engine ? inputBindingNames(name, 'durableClient').map((binding) => ({ name: binding, data: clientData })) : [];
  const timers = new TimerScheduler({
    extraInputs,
    dataDir: settings.dataDir,
    log: byLevel,
    timeZone: process.env.WEBSITE_TIME_ZONE || process.env.TZ || undefined,
    resolveSetting: (name) => process.env[name],
    functionTimeoutMs: settings.functionTimeoutMs,
  });
  await timers.start();

  const events = parseBlobEventSubscriptions(
    process.env.SIBYL_BLOB_EVENTS,
    functions.filter((f): f is EventGridFunction => f.kind === 'eventGrid'),
  );
  for (const problem of events.problems) log.warn(problem);
  const hasBlob = functions.some((f) => f.kind === 'blob') || events.subscriptions.length > 0;
  const blobs = hasBlob
    ? new BlobListener({
        log: byLevel,
        extraInputs,
        eventSubscriptions: events.subscriptions,
        resolveConnection: (name) => {
          const value = process.env[name] ?? process.env[`AzureWebJobs${name}`];
          if (!value) throw new Error(`The blob trigger's connection setting '${name}' is not set.`);
          return value;
        },
        pollIntervalMs: settings.blobPollIntervalMs,
        functionTimeoutMs: settings.functionTimeoutMs,
      })
    : undefined;
  blobs?.start();

  return {
    durable: engine && {
      handle: managementApi(engine),
      clientInputData: () => clientData,
    },
    timers: {
      fireNow: async (name) => {
        await timers.fireNow(name);
      },
    },
    stop: async () => {
      await blobs?.stop();
      await timers.stop();
      await engine?.stop();
      await workers?.stop();
    },
  };
}
