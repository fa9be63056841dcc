/**
 * Starting a monitor run: a run document (`kind: "monitor"`, experiment = the monitor's name) that
 * holds the monitor as it was and the window `[end - window, end)`, then the `monitorRun`
 * orchestration under the run's id. A run fired by the trigger takes its id from the monitor and the
 * tick, so a tick starts one run however many timers see it.
 *
 * @example const run = await startMonitorRun('iris-drift', start); // 202 with the queued run
 */
import { randomUUID } from 'node:crypto';
import { SibylError } from '../errors';
import type { RunDoc } from '../workspace/runDocuments';
import { createRun, findRun, moveRun } from '../workspace/runStore';
import { DEFAULT_WINDOW, windowMs, type MonitorDoc } from './monitorDocuments';
import { readMonitorDoc } from './monitorStore';

/** Starts the orchestration for a run id (the Durable client in the trigger functions). */
export type MonitorRunStarter = (runId: string) => Promise<void>;

export interface MonitorRunDetails {
  monitor: Omit<MonitorDoc, 'history' | 'lastResult'>;
  windowStart: string;
  windowEnd: string;
}

export function monitorRunDetails(run: RunDoc): MonitorRunDetails {
  return run.details as unknown as MonitorRunDetails;
}

export async function startMonitorRun(
  name: string,
  start: MonitorRunStarter,
  options: { end?: Date; runId?: string } = {},
): Promise<RunDoc> {
  const doc = await readMonitorDoc(name);
  const end = options.end ?? new Date();
  const window = doc.window ?? DEFAULT_WINDOW;
  const { history: _history, lastResult: _lastResult, ...monitor } = doc;
  const details: MonitorRunDetails = {
    monitor,
    windowStart: new Date(end.getTime() - windowMs(window)).toISOString(),
    windowEnd: end.toISOString(),
  };
  const runId = options.runId ?? `monitor-${randomUUID()}`;
  let run: RunDoc;
  try {
    run = await createRun({
      id: runId,
      kind: 'monitor',
      experiment: name,
      parameters: { monitor: name, window },
      details: details as unknown as Record<string, unknown>,
    });
  } catch (error) {
    const existing =
      options.runId && error instanceof SibylError && error.code === 'Conflict' ? await findRun(runId) : undefined;
    if (!existing) throw error;
    run = existing; // the same tick fired twice: start (again) the one run
  }
  try {
    await start(run.id);
  } catch (error) {
    await moveRun(run.id, 'Failed', {
      endedAt: new Date().toISOString(),
      error: { code: 'StartFailed', message: 'The monitor run could not be started; try again.' },
    });
    throw error;
  }
  return run;
}
