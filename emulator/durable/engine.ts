/**
 * The emulator's Durable Functions engine: a persistent replay host for `durable-functions` v3
 * speaking the legacy out-of-proc JSON protocol (docs/local-host-contract.md, "Durable replay engine"). State lives under
 * `<dataDir>/durable/<hubName>/`; `start()` resumes every unfinished instance from its journal,
 * re-running only work whose completion was never persisted.
 *
 * @example
 * const engine = new DurableEngine({ dataDir: '.sibyl', hubName: 'SibylHub', maxConcurrentActivities: 10 });
 * await engine.start();
 * const id = await engine.startNew('batchScore', { input: { runId: 'r1' } });
 * const status = await engine.waitForCompletion(id, 60_000);
 */
import * as path from 'node:path';
import { ActivityPool } from './activityPool';
import { EventType, historyEvent, isTerminal } from './historyEvents';
import type { RuntimeStatus } from './historyEvents';
import { defaultTimerSettings } from './idAllocation';
import type { TimerSettings } from './idAllocation';
import { view } from './instance';
import type { DeliverResult } from './instance';
import { InstanceHost } from './instanceHost';
import type { DurableLog } from './instanceHost';
import { filterInstances, waitForTerminal } from './instanceQueries';
import type { InstanceQuery } from './instanceQueries';
import { HubLock } from './hubLock';
import { InstanceStore } from './instanceStore';
import type { InstanceSummary } from './instanceStore';
import { newExecutionId } from './startRecord';
import { statusPayload } from './statusPayload';
import type { StatusOptions, StatusPayload } from './statusPayload';
import { TaskDispatcher, type ActivityRun } from './taskDispatcher';
import { TimerService } from './timerService';

export interface DurableEngineOptions {
  /** The emulator's state directory (e.g. `.sibyl`); the hub lives in `<dataDir>/durable/<hubName>`. */
  dataDir: string;
  /** Task hub name (host.json `extensions.durableTask.hubName`). Default `TestHubName`. */
  hubName?: string;
  /** host.json `extensions.durableTask.maxConcurrentActivityFunctions`. Default 10. */
  maxConcurrentActivities?: number;
  /** host.json `extensions.durableTask.maxConcurrentOrchestratorFunctions`. Default 10. */
  maxConcurrentOrchestrations?: number;
  log?: DurableLog;
  /** fsync journal writes (default true). Turning it off keeps crash-consistency only against process death. */
  fsync?: boolean;
  /** The host's `functionTimeout` applied to activities and orchestrator episodes. */
  functionTimeoutMs?: number;
  /** Runs one activity (default: in this thread); the host may hand them to worker threads. */
  runActivity?: ActivityRun;
  /** How long `stop()` waits for running activities before abandoning them. Default 10 s. */
  stopGraceMs?: number;
  timers?: Partial<TimerSettings>;
}

export interface StartNewOptions {
  instanceId?: string;
  input?: unknown;
  version?: string;
}

export type RequestResult = 'accepted' | 'missing' | 'gone';

export class DurableEngine {
  readonly hubName: string;
  readonly root: string;
  private readonly store: InstanceStore;
  private readonly host: InstanceHost;
  private readonly log: DurableLog;
  private readonly lock: HubLock;
  private started = false;

  constructor(private readonly options: DurableEngineOptions) {
    this.hubName = options.hubName ?? 'TestHubName';
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(this.hubName))
      throw new Error(`Invalid task hub name '${this.hubName}': use letters, digits, '-' and '_'.`);
    this.root = path.join(options.dataDir, 'durable', this.hubName);
    this.log = options.log ?? (() => undefined);
    this.store = new InstanceStore(this.root, options.fsync !== false);
    this.lock = new HubLock(this.root);
    const activities = new ActivityPool(options.maxConcurrentActivities ?? 10);
    this.host = new InstanceHost({
      store: this.store,
      dispatcherFor: (host) =>
        new TaskDispatcher(host, activities, new TimerService(), options.functionTimeoutMs, options.runActivity),
      orchestrationLimit: options.maxConcurrentOrchestrations ?? 10,
      timers: { ...defaultTimerSettings, ...options.timers },
      ...(options.functionTimeoutMs ? { orchestratorTimeoutMs: options.functionTimeoutMs } : {}),
      log: this.log,
    });
  }

  /** Loads every instance and resumes the unfinished ones. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.lock.acquire();
    await this.store.init();
    const live = [];
    for (const dirName of await this.store.listDirNames()) {
      const loaded = await this.store.load(dirName);
      if (!loaded) continue;
      const id = loaded.kind === 'summary' ? loaded.summary.instanceId : loaded.state.instanceId;
      const inst = this.host.adopt(id);
      if (loaded.kind === 'summary') inst.summary = loaded.summary;
      else {
        if (loaded.droppedBytes > 0)
          this.log('warn', `Instance '${id}': dropped ${loaded.droppedBytes} bytes of an incomplete journal write.`);
        inst.state = loaded.state;
        inst.lastTs = loaded.state.lastTs ? Date.parse(loaded.state.lastTs) : 0;
        if (isTerminal(loaded.state.status)) {
          inst.summary = view(inst);
          inst.state = undefined;
          await this.store.writeSummary(inst.summary);
        } else live.push(inst);
      }
      this.host.instances.set(id, inst);
    }
    this.started = true;
    for (const inst of live) this.host.resume(inst);
    if (live.length > 0)
      this.log('info', `Resumed ${live.length} unfinished orchestration instance(s) in hub '${this.hubName}'.`);
  }

  /** Stops dispatching, lets running work finish (up to the grace period), and flushes the journals. */
  async stop(): Promise<void> {
    if (this.host.stopped) return;
    this.host.stopped = true;
    this.host.dispatcher.timers.clear();
    const abandoned = await this.host.dispatcher.activities.stop(this.options.stopGraceMs ?? 10_000);
    if (abandoned > 0)
      this.log('warn', `Abandoned ${abandoned} running activity invocation(s); they re-run on the next start.`);
    while (this.host.loops.size > 0 || this.host.work.size > 0)
      await Promise.allSettled([...this.host.loops, ...this.host.work]);
    await Promise.all([...this.host.instances.values()].map((inst) => inst.journal.close()));
    if (this.started) await this.lock.release();
  }

  /** Test hook: halts at once without flushing anything, as if the process died. */
  abandon(): void {
    this.host.stopped = true;
    this.host.dispatcher.timers.clear();
    void this.host.dispatcher.activities.stop(0);
    for (const inst of this.host.instances.values()) inst.journal.abandon();
  }

  /** Starts an orchestration; rejects with a `DurableRequestError` (400 unknown, 409 running id). */
  async startNew(name: string, options: StartNewOptions = {}): Promise<string> {
    return this.startNewJson(name, {
      ...options,
      inputJson: options.input === undefined ? null : JSON.stringify(options.input),
    });
  }

  /** `startNew` with the input already as JSON text (the HTTP API passes the body through). */
  async startNewJson(
    name: string,
    options: { instanceId?: string; inputJson: string | null; version?: string },
  ): Promise<string> {
    this.ensureStarted();
    return this.host.createInstance({
      name,
      instanceId: options.instanceId || newExecutionId(),
      inputJson: options.inputJson,
      parent: null,
      version: options.version ?? '',
    });
  }

  /** Restarts a finished instance with its original input (as the `restart` API). */
  async restart(instanceId: string, newInstanceId = true): Promise<string | undefined> {
    const summary = this.host.find(instanceId);
    if (!summary) return undefined;
    return this.startNewJson(summary.name, {
      inputJson: summary.input,
      version: summary.version,
      ...(newInstanceId ? {} : { instanceId }),
    });
  }

  summary(instanceId: string): InstanceSummary | undefined {
    return this.host.find(instanceId);
  }

  async getStatus(instanceId: string, options: StatusOptions = {}): Promise<StatusPayload | undefined> {
    const inst = this.host.instances.get(instanceId);
    if (!inst) return undefined;
    const summary = view(inst);
    if (!options.showHistory) return statusPayload(summary, options);
    const history = inst.state?.history ?? (await this.store.readExecution(instanceId))?.history ?? [];
    return statusPayload(summary, options, history);
  }

  /** Instances matching `query`, oldest first (ties by id). */
  query(query: InstanceQuery = {}): InstanceSummary[] {
    return filterInstances([...this.host.instances.values()].map(view), query);
  }

  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<RequestResult> {
    return this.raiseEventJson(instanceId, eventName, data === undefined ? null : JSON.stringify(data));
  }

  raiseEventJson(instanceId: string, eventName: string, json: string | null): Promise<RequestResult> {
    return this.request(
      instanceId,
      historyEvent(EventType.EventRaised, new Date().toISOString(), { Name: eventName, Input: json }),
    );
  }

  terminate(instanceId: string, reason?: string): Promise<RequestResult> {
    return this.request(
      instanceId,
      historyEvent(EventType.ExecutionTerminated, new Date().toISOString(), { Input: reason ?? null }),
    );
  }

  suspend(instanceId: string, reason?: string): Promise<RequestResult> {
    return this.request(
      instanceId,
      historyEvent(EventType.ExecutionSuspended, new Date().toISOString(), { Reason: reason ?? '' }),
    );
  }

  resume(instanceId: string, reason?: string): Promise<RequestResult> {
    return this.request(
      instanceId,
      historyEvent(EventType.ExecutionResumed, new Date().toISOString(), { Reason: reason ?? '' }),
    );
  }

  /** Deletes a finished instance: 'running' when it has not finished (the API's 412). */
  async purge(instanceId: string): Promise<'purged' | 'missing' | 'running'> {
    const inst = this.host.instances.get(instanceId);
    if (!inst) return 'missing';
    if (!isTerminal(view(inst).status)) return 'running';
    this.host.instances.delete(instanceId);
    await inst.journal.close();
    await this.store.purge(instanceId);
    return 'purged';
  }

  /** Purges finished instances created in the window (and with one of the statuses, if given). */
  async purgeBy(filter: {
    createdTimeFrom: Date;
    createdTimeTo?: Date;
    runtimeStatus?: readonly RuntimeStatus[];
  }): Promise<number> {
    const matches = this.query({ ...filter, createdTimeTo: filter.createdTimeTo ?? new Date() }).filter((s) =>
      isTerminal(s.status),
    );
    let purged = 0;
    for (const s of matches) if ((await this.purge(s.instanceId)) === 'purged') purged++;
    return purged;
  }

  /** Resolves with the final status once the instance is terminal; rejects on timeout or unknown id. */
  async waitForCompletion(instanceId: string, timeoutMs = 30_000): Promise<StatusPayload> {
    return statusPayload(await waitForTerminal(this.host, (id) => this.host.find(id), instanceId, timeoutMs));
  }

  /** Subscribes to instances reaching a terminal state. */
  onTerminal(listener: (summary: InstanceSummary) => void): () => void {
    this.host.on('terminal', listener);
    return () => this.host.off('terminal', listener);
  }

  private async request(instanceId: string, event: Parameters<InstanceHost['deliver']>[2]): Promise<RequestResult> {
    const result: DeliverResult = await this.host.deliver(instanceId, undefined, event);
    if (result === 'failed') throw new Error(`Could not persist the request for instance '${instanceId}'.`);
    return result === 'duplicate' ? 'accepted' : result;
  }

  private ensureStarted(): void {
    if (!this.started) throw new Error('Call start() on the durable engine first.');
    if (this.host.stopped) throw new Error('The durable engine is stopped.');
  }
}
