/**
 * One deployment's local scorer app, as Container Apps runs it: replicas of the active revision
 * behind an ingress that routes each request to the ready replica with the fewest in flight, an
 * autoscaler, and revisions that take traffic only once all their replicas are ready (the old ones
 * then drain and stop). A request whose replica dies before answering is retried once elsewhere.
 * This file holds the revisions and their replicas; the routing of requests is in replicaRouter.ts.
 */
import {
  MODEL_CANNOT_RUN_EXIT_CODE,
  type ApplyFailure,
  type ProvisioningState,
  type ReplicaLogLine,
  type ScorerAppSpec,
  type ScorerAppStatus,
} from '../../shared/compute/computeTypes';
import { Autoscaler, scaleRuleOf } from './autoscaler';
import type { ReplicaLog } from './replicaLog';
import { Replica } from './replicaProcess';
import { AppGoneError, ReplicaRouter, type Forwarded, type ReplicaRequest } from './replicaRouter';

export interface ScorerAppOptions {
  /** The program a replica of `spec.runtime` runs; undefined when this host cannot run it. */
  programOf: (spec: ScorerAppSpec) => string | undefined;
  /** The environment every replica gets before the app's own settings. */
  baseEnv: NodeJS.ProcessEnv;
  /** Set over the app's own settings (what this host cannot honour, e.g. CUDA). */
  forcedEnv: NodeJS.ProcessEnv;
  startTimeoutMs: number;
  /** For replicas of user code (`spec.runtime` not `onnx`), which may install packages first; default startTimeoutMs. */
  userCodeStartTimeoutMs?: number;
  url: string;
  log: (message: string) => void;
}

/** Logs of this many ended replicas are kept: a failed start is exactly when people read them. */
const ENDED_LOGS_KEPT = 8;

/** A failed start is retried no sooner than this, so a broken image does not spawn in a loop. */
const RESTART_BACKOFF_MS = 2000;

interface Revision {
  spec: ScorerAppSpec;
  replicas: Replica[];
}

export class ScorerApp {
  #active: Revision | undefined;
  /** Every replica still running, of any revision (starting, serving or draining). */
  readonly #all = new Set<Replica>();
  /** The consoles of the replicas that ended last (failed, replaced or scaled in), oldest first. */
  readonly #endedLogs: ReplicaLog[] = [];
  readonly #autoscaler: Autoscaler;
  #state: ProvisioningState = 'Creating';
  #error: string | undefined;
  #failure: ApplyFailure | undefined;
  #desired = 0;
  #seq = 0;
  #removed = false;
  #lastFailedStart = -Infinity;
  #applying: Promise<unknown> = Promise.resolve();
  readonly #router: ReplicaRouter;

  constructor(
    readonly key: string,
    spec: ScorerAppSpec,
    private readonly options: ScorerAppOptions,
  ) {
    this.#autoscaler = new Autoscaler(scaleRuleOf(spec));
    this.#router = new ReplicaRouter({
      key,
      serving: () => this.#active?.replicas ?? [],
      removed: () => this.#removed,
      starved: () => {
        if (this.#active && !this.#active.replicas.some((r) => r.alive)) this.tick();
      },
    });
  }

  /** Creates or updates (serialised with other applies); resolves once the new revision serves. */
  apply(spec: ScorerAppSpec): Promise<ScorerAppStatus> {
    const run = this.#applying.then(() => this.#apply(spec));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  async #apply(spec: ScorerAppSpec): Promise<ScorerAppStatus> {
    if (this.#removed) throw new AppGoneError(`The scorer app ${this.key} was removed.`);
    const program = this.options.programOf(spec);
    if (!program) {
      this.#fail(`The local compute cannot run '${spec.runtime}' replicas.`, 'ReplicasFailed');
      throw new Error(this.#error);
    }
    const current = this.#active;
    if (current && current.spec.revision === spec.revision) {
      // Scale settings only: the running replicas stay, the autoscaler follows the new bounds.
      current.spec = spec;
      this.#autoscaler.setRule(scaleRuleOf(spec));
      this.#state = 'Succeeded';
      this.#error = undefined;
      this.#failure = undefined;
      this.tick();
      return this.status();
    }
    this.#state = current ? 'Updating' : 'Creating';
    this.#error = undefined;
    this.#failure = undefined;
    const rule = scaleRuleOf(spec);
    // As many replicas as serve now, so the switch does not cut capacity under load.
    const live = current ? current.replicas.filter((r) => r.alive).length : 0;
    const count = Math.min(rule.maxReplicas, Math.max(rule.minReplicas, live));
    const next: Revision = { spec, replicas: [] };
    const starts = Array.from({ length: count }, () => this.#startReplica(next, program));
    try {
      await Promise.all(starts);
      if (this.#removed) throw new AppGoneError(`The scorer app ${this.key} was removed.`);
    } catch (error) {
      const modelCannotRun = next.replicas.some((r) => r.exitCode === MODEL_CANNOT_RUN_EXIT_CODE);
      await Promise.all(next.replicas.map((r) => r.stop()));
      this.#fail(
        `The new revision of ${this.key} did not start: ${(error as Error).message}`,
        modelCannotRun ? 'InvalidModel' : 'ReplicasFailed',
      );
      throw new Error(this.#error);
    }
    this.#active = next;
    this.#autoscaler.setRule(rule);
    this.#desired = count;
    this.#state = 'Succeeded';
    this.#router.wake();
    if (current) {
      for (const r of current.replicas) void r.drain();
      this.options.log(`${this.key}: revision ${spec.revision} serves; the previous one drains.`);
    }
    return this.status();
  }

  #fail(message: string, failure: ApplyFailure): void {
    this.#state = 'Failed';
    this.#error = message;
    this.#failure = failure;
  }

  #startReplica(revision: Revision, program: string): Promise<void> {
    const [endpoint, deployment] = this.key.split('/');
    const name = `${deployment}-${revision.spec.revision.slice(0, 8)}-${++this.#seq}`;
    const { replica, ready } = Replica.start({
      app: `${endpoint}/${deployment}`,
      name,
      main: program,
      env: {
        ...this.options.baseEnv,
        // Its size, which nothing enforces on a shared machine: the scorer plans its workers by it.
        ...(revision.spec.cpu !== undefined ? { SIBYL_SCORER_CPUS: String(revision.spec.cpu) } : {}),
        ...revision.spec.settings,
        ...this.options.forcedEnv,
      },
      startTimeoutMs:
        revision.spec.runtime === 'onnx'
          ? this.options.startTimeoutMs
          : (this.options.userCodeStartTimeoutMs ?? this.options.startTimeoutMs),
      onExit: (r) => this.#exited(r),
    });
    revision.replicas.push(replica);
    this.#all.add(replica);
    return ready.then(
      () => this.#router.wake(),
      (error: unknown) => {
        this.#lastFailedStart = performance.now();
        throw error;
      },
    );
  }

  #exited(replica: Replica): void {
    this.#all.delete(replica);
    this.#endedLogs.push(replica.log);
    if (this.#endedLogs.length > ENDED_LOGS_KEPT) this.#endedLogs.shift();
    const active = this.#active;
    if (active) active.replicas = active.replicas.filter((r) => r !== replica);
    if (replica.state === 'Failed' && !this.#removed && active) {
      this.options.log(`${this.key}: replica ${replica.name} failed (${replica.error ?? 'exited'}); replacing it.`);
      setImmediate(() => this.tick());
    }
    this.#router.wake();
  }

  /** One autoscaling step: replaces dead replicas, adds or retires replicas toward the desired count. */
  tick(): void {
    const active = this.#active;
    if (!active || this.#removed) return;
    const alive = active.replicas.filter((r) => r.alive);
    const desired = this.#autoscaler.decide(alive.length, this.#router.takePeak());
    this.#desired = desired;
    if (alive.length < desired) {
      if (performance.now() - this.#lastFailedStart < RESTART_BACKOFF_MS) return;
      const program = this.options.programOf(active.spec);
      if (!program) return;
      for (let i = alive.length; i < desired; i++) {
        this.#startReplica(active, program).catch((error: unknown) => {
          this.options.log(`${this.key}: a replica did not start: ${(error as Error).message}`);
        });
      }
    } else if (alive.length > desired) {
      // Starting replicas first (they serve nobody yet), then the least busy.
      const byCost = [...alive].sort((a, b) => Number(a.ready) - Number(b.ready) || a.inFlight - b.inFlight);
      const retired = new Set(byCost.slice(0, alive.length - desired));
      active.replicas = active.replicas.filter((r) => !retired.has(r));
      for (const r of retired) void r.drain();
    }
  }

  /** Forwards one request (body already read) to a replica; retried once if that replica dies first. */
  forward(request: ReplicaRequest, signal: AbortSignal): Promise<Forwarded> {
    return this.#router.forward(request, signal);
  }

  status(): ScorerAppStatus {
    const active = this.#active?.replicas ?? [];
    return {
      provisioningState: this.#state,
      ...(this.#error ? { error: this.#error, failure: this.#failure } : {}),
      url: this.options.url,
      ...(this.#active ? { revision: this.#active.spec.revision } : {}),
      scale: {
        desiredReplicas: this.#desired,
        readyReplicas: active.filter((r) => r.ready).length,
        replicas: [...this.#all].map((r) => r.status()),
      },
    };
  }

  /** The last `lines` console lines of each replica, running or ended recently, oldest first. */
  logs(lines: number): ReplicaLogLine[] {
    const logs = [...this.#endedLogs, ...[...this.#all].map((r) => r.log)];
    return logs.flatMap((log) => log.tail(lines)).sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Pids of every replica process still running (tests check none is left). */
  pids(): number[] {
    return [...this.#all].map((r) => r.pid).filter((p): p is number => p !== undefined);
  }

  /** Stops every replica (in-flight requests finish first) and resolves when none is left. */
  async remove(): Promise<void> {
    this.#removed = true;
    this.#state = 'Deleting';
    this.#router.wake();
    await Promise.all([...this.#all].map((r) => r.drain()));
  }
}
