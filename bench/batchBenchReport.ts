/**
 * What the batch case measured (one record per pipeline: the Sibyl batch job and the two hand-written
 * baselines it is held to), and the lines `npm run bench` prints for it.
 */

/** One pipeline's fastest run over the rounds. */
export interface PipelineRun {
  rowsPerSecond: number;
  seconds: number;
  /** Where its time went, seconds; `cpu`: its processes' CPU seconds, Azurite's included. */
  stages: Record<string, number>;
}

/** A baseline pipeline's fastest run, and the batch job's speed against it. */
export interface BaselineRun extends PipelineRun {
  /** The job's rows/s over this pipeline's. */
  jobRatio: number;
}

export interface BatchBenchResult {
  rows: number;
  inputBytes: number;
  /** (a) the Sibyl batch job. */
  job: PipelineRun;
  /** (b) the hand-written pipeline that prints floats as the job does (target: the job ≥ 0.8×). */
  handWritten: BaselineRun;
  /** (c) the simplest pipeline (target: the job ≥ 1.5×). */
  simplest: BaselineRun;
  miniBatchRows: number;
  maxConcurrency: number;
  activityWorkers: number;
  rounds: number;
}

const stageList = (stages: Record<string, number>) =>
  Object.entries(stages)
    .map(([k, v]) => `${k} ${v.toFixed(2)}s`)
    .join(', ');

/** `label` is padded as the report has always printed it. */
const pipelineLine = (label: string, p: PipelineRun) =>
  `  ${label} ${Math.round(p.rowsPerSecond).toLocaleString('en-US')} ` +
  `rows/s (${p.seconds.toFixed(2)} s: ${stageList(p.stages)})`;

const ratioLine = (label: string, b: BaselineRun, target: number) =>
  `  ratio to ${label} ${b.jobRatio.toFixed(2)}× (target ≥ ${target}×) ` +
  (b.jobRatio >= target ? 'PASS' : 'BELOW TARGET');

/** The lines `npm run bench` prints for the batch case. */
export function renderBatchBench(r: BatchBenchResult): string[] {
  return [
    `batch scoring, ${r.rows} rows (tiny MLP, ${(r.inputBytes / 1e6).toFixed(0)} ` +
      `MB CSV, mini-batches of ${r.miniBatchRows} rows, ${r.maxConcurrency} ` +
      `at once on ${r.activityWorkers} activity worker threads; fastest ` +
      `of ${r.rounds} alternating runs each):`,
    pipelineLine('Sibyl batch job     ', r.job),
    pipelineLine('hand-written baseline', r.handWritten),
    pipelineLine('simplest pipeline   ', r.simplest),
    ratioLine('hand-written', r.handWritten, 0.8),
    ratioLine('simplest    ', r.simplest, 1.5),
  ];
}
