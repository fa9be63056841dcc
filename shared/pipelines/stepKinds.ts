/**
 * The step kinds a pipeline may hold and the outputs each one gives to later steps through
 * `${steps.<step>.outputs.<output>}`. Outputs are part of the pipeline contract: renaming one breaks
 * published pipelines.
 *
 * - `batch-score`: `datastore` and `path` of the predictions file (`append_row`) or `summary.json`
 *   (`summary_only`), `folder` (the job's output folder), `rowsScored`, `rowsFailed`.
 * - `copy` / `move`: `datastore` and `path` of the destination (the file when one file was transferred,
 *   else the destination folder), `files` (how many were transferred).
 */
export const STEP_KINDS = ['batch-score', 'copy', 'move'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_OUTPUTS: Readonly<Record<StepKind, readonly string[]>> = {
  'batch-score': ['datastore', 'path', 'folder', 'rowsScored', 'rowsFailed'],
  copy: ['datastore', 'path', 'files'],
  move: ['datastore', 'path', 'files'],
};

export function isStepKind(kind: unknown): kind is StepKind {
  return typeof kind === 'string' && (STEP_KINDS as readonly string[]).includes(kind);
}
