/**
 * The cases of `npm run bench`: their ids (the `--cases` values, in the table's order), the names the
 * report prints, and a load case's result over its rounds.
 */
import type { ModelSize } from './benchModels';
import type { LoadResult } from './measureLoad';

export type CaseId =
  | 'sibyl'
  | 'noop'
  | 'plain'
  | 'fixed'
  | 'scorer'
  | 'batch'
  | 'collect'
  | 'replicas'
  | 'binary'
  | 'floor'
  | 'overload'
  | 'start';
/**
 * `batch` is the batch-scoring run (batchBench.ts), `replicas` the replica scaling run (replicaBench.ts),
 * `binary` the OIP JSON-vs-binary run (binaryBench.ts), `overload` the goodput run (overloadBench.ts) and
 * `start` the `npm start` timing (startBench.ts): not load cases of the table.
 */
export const CASE_IDS: readonly CaseId[] = [
  'sibyl',
  'noop',
  'plain',
  'fixed',
  'scorer',
  'batch',
  'collect',
  'replicas',
  'binary',
  'floor',
  'overload',
  'start',
];

export const CASE_NAMES: Record<CaseId, string> = {
  sibyl: '(a) Sibyl score route, emulator',
  noop: '(b) no-op route, emulator',
  plain: '(c) node:http + onnxruntime-node',
  fixed: '(d) node:http fixed JSON',
  scorer: '(e) Sibyl scorer container (OIP)',
  batch: 'batch scoring job',
  collect: '(f) Sibyl score route, data collection on',
  replicas: 'container deployment on 1, 2, 4 replicas',
  binary: 'OIP 1×3×224×224 FP32: JSON vs binary',
  floor: '(g) node:http + @azure/functions, no host',
  overload: 'goodput under overload',
  start: 'npm start to ready',
};

export interface CaseResult {
  caseId: CaseId;
  /** Absent for the cases that serve no model (b, d, g). */
  model?: ModelSize;
  modelShape?: string;
  /** The round with the most requests/s. */
  result: LoadResult;
  rounds: LoadResult[];
}

/** The round with the most requests/s: on a shared machine other load only ever slows a round down. */
export function bestRound(rounds: LoadResult[]): LoadResult {
  return rounds.reduce((best, r) => (r.requestsPerSecond > best.requestsPerSecond ? r : best));
}
