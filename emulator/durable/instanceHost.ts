/**
 * The replay engine proper (docs/local-host-contract.md, "Durable replay engine"): per instance, serialized episodes that pick a
 * batch from the inbox, run the orchestrator, plan, persist the episode record, and only then start the work it
 * scheduled. Every state change is applied in memory synchronously with queueing its journal record,
 * so the journal's order is the order of events; side effects wait until the record is durable.
 */
import { EventEmitter } from 'node:events';
import { coalesce, hasDeliverable, selectBatch } from './batchSelector';
import { planControl, planEpisode } from './episodePlanner';
import { runOrchestrator } from './episodeRunner';
import { applyRecord, executionFromStart } from './executionState';
import type { EpisodeRecord, ExecState, InboxItem, ParentLink } from './executionState';
import { EventType, completedTaskId, isTerminal } from './historyEvents';
import type { HistoryEvent } from './historyEvents';
import type { TimerSettings } from './idAllocation';
import { newInstance, view } from './instance';
import type { DeliverResult, Instance } from './instance';
import { summaryOf } from './instanceStore';
import type { InstanceStore, InstanceSummary } from './instanceStore';
import { Semaphore } from './semaphore';
import { makeStartRecord } from './startRecord';
import type { StartArgs } from './startRecord';
import { parentCompletionEvent } from './taskDispatcher';
import type { DispatchHost, TaskDispatcher } from './taskDispatcher';
import { findDurableFunction, missingFunctionMessage } from './functionLookup';
import { DurableRequestError } from './durableRequestError';

export type DurableLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export interface HostOptions {
  store: InstanceStore;
  dispatcherFor: (host: DispatchHost) => TaskDispatcher;
  orchestrationLimit: number;
  timers: TimerSettings;
  orchestratorTimeoutMs?: number;
  log: DurableLog;
}

export class InstanceHost extends EventEmitter implements DispatchHost {
  readonly instances = new Map<string, Instance>();
  readonly dispatcher: TaskDispatcher;
  readonly loops = new Set<Promise<void>>();
  /** Instance creations in flight; `stop()` waits for them so nothing writes after it returns. */
  readonly work = new Set<Promise<unknown>>();
  private readonly slots: Semaphore;
  private readonly creating = new Set<string>();
  stopped = false;

  constructor(private readonly options: HostOptions) {
    super();
    // Any number of callers may wait for completions.
    this.setMaxListeners(0);
    this.dispatcher = options.dispatcherFor(this);
    this.slots = new Semaphore(options.orchestrationLimit);
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.options.log(level, message);
  }

  find(instanceId: string): InstanceSummary | undefined {
    const inst = this.instances.get(instanceId);
    return inst ? view(inst) : undefined;
  }

  isOpen(instanceId: string, executionId: string, taskId: number): boolean {
    const state = this.instances.get(instanceId)?.state;
    return (
      state !== undefined && state.executionId === executionId && state.tasks.has(taskId) && !state.closed.has(taskId)
    );
  }

  /** Creates (or replaces a terminal) instance; rejects with 400/409 `DurableRequestError`s. */
  async createInstance(args: StartArgs): Promise<string> {
    const work = this.create(args);
    this.work.add(work);
    try {
      return await work;
    } finally {
      this.work.delete(work);
    }
  }

  private async create(args: StartArgs): Promise<string> {
    if (this.stopped) throw new Error('The durable engine is stopped.');
    if (!findDurableFunction(args.name, 'orchestrationTrigger'))
      throw new DurableRequestError(400, missingFunctionMessage(args.name, 'orchestrationTrigger'));
    const existing = this.instances.get(args.instanceId);
    if (this.creating.has(args.instanceId) || (existing && !isTerminal(view(existing).status))) {
      throw new DurableRequestError(409, `An instance with ID '${args.instanceId}' already exists.`);
    }
    this.creating.add(args.instanceId);
    try {
      const start = makeStartRecord(args);
      const inst = existing ?? this.adopt(args.instanceId);
      await this.options.store.create(inst.journal, start);
      inst.state = executionFromStart(start);
      inst.summary = undefined;
      inst.dispatched.clear();
      this.instances.set(args.instanceId, inst);
      this.log('info', `Orchestration '${args.name}' instance '${args.instanceId}' created.`);
      this.kick(inst);
      return args.instanceId;
    } finally {
      this.creating.delete(args.instanceId);
    }
  }

  /** A runtime record for an instance loaded or created by this host. */
  adopt(instanceId: string): Instance {
    return newInstance(instanceId, this.options.store.openJournal(instanceId));
  }

  /** Persists an inbox event for the current (or given) execution, then wakes the instance. */
  async deliver(instanceId: string, executionId: string | undefined, event: HistoryEvent): Promise<DeliverResult> {
    const inst = this.instances.get(instanceId);
    if (!inst) return 'missing';
    const state = inst.state;
    if (!state || isTerminal(state.status) || (executionId !== undefined && state.executionId !== executionId))
      return 'gone';
    const taskId = completedTaskId(event);
    if (taskId !== undefined && (!state.tasks.has(taskId) || state.closed.has(taskId))) return 'duplicate';
    const record = { k: 'in' as const, seq: state.nextSeq, e: event };
    // In memory at once (seq order, duplicate check, continueAsNew carry); deliverable once on disk.
    applyRecord(state, record);
    inst.unsynced.add(record.seq);
    try {
      await inst.journal.append(record);
    } catch (error) {
      // Never acknowledged, so never delivered: take it back out.
      state.inbox = state.inbox.filter((item) => item.seq !== record.seq);
      if (taskId !== undefined) state.closed.delete(taskId);
      inst.unsynced.delete(record.seq);
      this.log('warn', `Could not persist an event for '${instanceId}': ${String(error)}`);
      return 'failed';
    }
    // Seqs restart with each execution: only clear ours.
    if (inst.state === state) inst.unsynced.delete(record.seq);
    this.kick(inst);
    return 'accepted';
  }

  /** Starts the instance's episode loop when it has something to deliver. */
  kick(inst: Instance): void {
    if (this.stopped || inst.looping || !this.ready(inst)) return;
    inst.looping = true;
    const loop = this.runLoop(inst);
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  /** Re-dispatches every open task of a loaded execution (after start or restart). */
  resume(inst: Instance): void {
    const state = inst.state;
    if (!state) return;
    for (const task of state.tasks.values()) {
      if (state.closed.has(task.id) || inst.dispatched.has(task.id)) continue;
      inst.dispatched.add(task.id);
      this.dispatcher.dispatch(state, task);
    }
    this.kick(inst);
  }

  private async runLoop(inst: Instance): Promise<void> {
    const release = await this.slots.acquire();
    let failed = false;
    try {
      while (release && !this.stopped && inst.state && this.ready(inst)) {
        await coalesce(inst.lastEpisodeMs, inst.state);
        if (this.stopped || !inst.state || !(await this.runEpisode(inst, inst.state))) break;
      }
    } catch (error) {
      failed = true;
      this.log(
        'error',
        `Episode of '${inst.id}' failed in the host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    } finally {
      release?.();
      inst.looping = false;
    }
    // Events that arrived as the loop ended; after a host fault, wait for the next delivery.
    if (!failed) this.kick(inst);
  }

  /** Whether the instance has an event on disk it may process now (pending writes kick it later). */
  private ready(inst: Instance): boolean {
    return inst.state !== undefined && hasDeliverable(inst.state, (seq) => !inst.unsynced.has(seq));
  }

  /** Runs one episode; false when nothing was deliverable. */
  private async runEpisode(inst: Instance, state: ExecState): Promise<boolean> {
    const tsMs = Math.max(Date.now(), inst.lastTs + 1);
    const ts = new Date(tsMs).toISOString();
    const batch = selectBatch(state, ts, (seq) => !inst.unsynced.has(seq));
    if (!batch) return false;
    if (batch.kind === 'control') {
      await this.commit(inst, state, planControl(state, batch.item, new Date().toISOString()));
      return true;
    }
    const began = Date.now();
    const outcome = await runOrchestrator(
      state,
      batch.items,
      ts,
      this.options.timers,
      this.options.orchestratorTimeoutMs,
    );
    inst.lastEpisodeMs = Date.now() - began;
    // Nothing of an episode is kept unless committed; after stop() it re-runs on the next start.
    if (this.stopped || inst.state !== state) return false;
    inst.lastTs = tsMs;
    const plan = planEpisode({ state, batch: batch.items, ts, outcome, timers: this.options.timers });
    if (plan.kind === 'record') await this.commit(inst, state, plan.record);
    else await this.continueAsNew(inst, state, plan.input, batch.items);
    return true;
  }

  /** Writes the episode, then applies it: status and history only ever show what is on disk. */
  private async commit(inst: Instance, state: ExecState, record: EpisodeRecord): Promise<void> {
    await inst.journal.append(record);
    applyRecord(state, record);
    if (isTerminal(record.status)) return this.finish(inst, state);
    for (const task of record.tasks) {
      if (!state.tasks.has(task.id)) continue;
      if (task.canceled) this.dispatcher.timers.disarm(inst.id, task.id);
      else if (!inst.dispatched.has(task.id)) {
        inst.dispatched.add(task.id);
        this.dispatcher.dispatch(state, task);
      }
    }
  }

  private async continueAsNew(
    inst: Instance,
    state: ExecState,
    inputJson: string | null,
    batch: readonly InboxItem[],
  ): Promise<void> {
    const consumed = new Set(batch.map((b) => b.seq));
    // Raised events that arrived after this episode started belong to the next execution.
    const carry = state.inbox
      .filter((i) => !consumed.has(i.seq) && i.e.EventType === EventType.EventRaised)
      .map((i) => i.e);
    const start = makeStartRecord({
      instanceId: state.instanceId,
      name: state.name,
      inputJson,
      parent: state.parent,
      version: state.version,
      generation: state.generation + 1,
      createdTime: state.createdTime,
      carry,
    });
    this.dispatcher.timers.disarmInstance(inst.id);
    const next = executionFromStart(start);
    inst.state = next;
    inst.dispatched.clear();
    const startSeqs = next.inbox.map((item) => item.seq);
    inst.unsynced = new Set(startSeqs);
    // Queued in the same tick as the switch, so events for the new execution land after it.
    await inst.journal.replace([start]);
    if (inst.state === next) for (const seq of startSeqs) inst.unsynced.delete(seq);
    this.log('info', `Instance '${inst.id}' continued as new (generation ${start.generation}).`);
  }

  private async finish(inst: Instance, state: ExecState): Promise<void> {
    this.dispatcher.timers.disarmInstance(inst.id);
    const summary = summaryOf(state);
    inst.summary = summary;
    inst.state = undefined;
    inst.dispatched.clear();
    try {
      await this.options.store.writeSummary(summary);
    } catch (error) {
      this.log('warn', `Could not write the status of '${inst.id}': ${String(error)}`);
    }
    this.log('info', `Instance '${inst.id}' ${summary.status}.`);
    if (summary.parent) this.notifyParent(summary, summary.parent);
    this.emit('terminal', summary);
  }

  private notifyParent(child: InstanceSummary, parent: ParentLink): void {
    void this.deliver(parent.instanceId, parent.executionId, parentCompletionEvent(child, parent.taskId));
  }
}
