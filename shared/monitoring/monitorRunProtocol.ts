/**
 * What the `monitorRun` orchestration and its activities pass each other: ids, paths and counts,
 * never data (partial sketches go through blobs, see monitorBlobs.ts).
 */
import type { Collection } from '../api/schemas';

export const MONITOR_RUN_ORCHESTRATION = 'monitorRun';

export interface MonitorRunInput {
  runId: string;
}

/** One unit of streaming: a baseline file, or one hour folder of collected data. */
export interface MonitorPart {
  index: number;
  source: 'baseline' | Collection;
  datastore: string;
  /** A file (baseline) or an hour folder (collected). */
  path: string;
  format: 'csv' | 'jsonl';
}

export type MonitorPlan = { stop: true } | { stop: false; parts: MonitorPart[] };

export interface SketchPartInput {
  runId: string;
  part: MonitorPart;
}

export interface FinishMonitorInput {
  runId: string;
  parts: MonitorPart[];
  /** Set when a part could not be read: the run fails with it. */
  failure?: string;
}
