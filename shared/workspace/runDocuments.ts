/**
 * Run documents (Cosmos container `runs`, partition key `/id`): batch jobs, pipeline runs and their
 * steps. Status only moves forward — Queued → Running → Completed | Failed | Canceled — and every
 * write goes through an ETag compare-and-swap (`runStore.updateRun`). Changing a field changes stored
 * data and the public API (`Run`, `BatchJob`).
 */
import type { BatchProgress, ErrorInfo, Run, RunStatus } from '../api/schemas';
import { isTerminalStatus } from '../portable/runStatuses';

export type { RunStatus } from '../api/schemas';

/** Where a failed row was: `file` relative to its datastore, `line` 1-based in that file (the header is line 1). */
export interface ErrorSample {
  file: string;
  line?: number;
  message: string;
}

export interface RunDoc {
  id: string;
  type: 'run';
  /** `batch`, `pipeline`, or a step kind (`batch-score`, `copy`, `move`). */
  kind: string;
  status: RunStatus;
  experiment?: string;
  parameters: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
  parentRunId?: string;
  children: string[];
  outputs: Record<string, unknown>;
  pipeline?: string;
  schedule?: string;
  error?: ErrorInfo;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  updatedAt: string;
  /** Mini-batch and row counters of a batch job, written as mini-batches finish. */
  progress?: BatchProgress;
  /** The first failed rows (file and line), kept for the run page; the log has more. */
  errorSamples?: ErrorSample[];
  /** Kind-specific state (a batch job keeps its spec and plan facts here). */
  details?: Record<string, unknown>;
}

const RANK: Record<RunStatus, number> = { Queued: 0, Running: 1, Completed: 2, Failed: 2, Canceled: 2 };

export { isTerminalStatus };

/** Whether a run may move from `from` to `to`: forward only; a non-terminal status may be rewritten (progress). */
export function canMove(from: RunStatus, to: RunStatus): boolean {
  if (isTerminalStatus(from)) return false;
  return RANK[to] >= RANK[from];
}

/** The API shape of a run. */
export function toRun(doc: RunDoc): Run {
  return {
    id: doc.id,
    kind: doc.kind,
    status: doc.status,
    ...(doc.experiment ? { experiment: doc.experiment } : {}),
    parameters: doc.parameters,
    metrics: doc.metrics,
    ...(doc.parentRunId ? { parentRunId: doc.parentRunId } : {}),
    children: doc.children,
    outputs: doc.outputs,
    ...(doc.pipeline ? { pipeline: doc.pipeline } : {}),
    ...(doc.schedule ? { schedule: doc.schedule } : {}),
    ...(doc.error ? { error: doc.error } : {}),
    createdAt: doc.createdAt,
    ...(doc.startedAt ? { startedAt: doc.startedAt } : {}),
    ...(doc.endedAt ? { endedAt: doc.endedAt } : {}),
  };
}
