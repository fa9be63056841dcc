/**
 * Where a run or batch job is, and which states are final. The API schema (`RunStatus` in
 * shared/api/schemas), the workspace's state machine, the CLI's waits and the dashboard's pages all
 * read these lists, so a new state is added in one place.
 *
 * Pure: no Node or server imports, so the CLI and the dashboard import it as it is.
 */

/** Every run state, in the order a run moves through them. */
export const RUN_STATUSES = ['Queued', 'Running', 'Completed', 'Failed', 'Canceled'] as const;

export type RunStatusName = (typeof RUN_STATUSES)[number];

/** The states a run never leaves. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatusName>(['Completed', 'Failed', 'Canceled']);

/** Whether `status` is final (a string, so answers of newer servers are read too). */
export function isTerminalStatus(status: string): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}
