/**
 * One fire of a schedule under a derived run id: starts a run of its pipeline version, or — when the
 * version is disabled, gone or refuses the parameters — records the fire as a Failed run, so the
 * history says why nothing ran. A run id that exists already means this tick or blob version fired
 * before (another timer, instance or delivery): nothing more happens, except that a run stuck
 * `Queued` for a minute (its starter died between storing and starting it) is started again.
 *
 * @example const outcome = await fireSchedule(doc, runId, { fireTime }, {}, starter); // 'started' | 'duplicate' | 'failed'
 */
import { SibylError } from '../errors';
import { recordFailedStart, startPipelineRun, type RunStarter } from '../pipelines/pipelineRuns';
import { runnableVersion } from '../pipelines/pipelineStore';
import type { ParameterValue } from '../pipelines/templateReferences';
import { findRun } from '../workspace/runStore';
import { parsePipelineRef } from './scheduleChecks';
import type { ScheduleDoc } from './scheduleDocuments';

export type FireOutcome = 'started' | 'duplicate' | 'failed';

/** What a fire records on its run (`details`): shown in the schedule's history. */
export interface FireDetails {
  fireTime: string;
  late?: boolean;
  /** The changed blob, relative to the datastore. */
  path?: string;
  etag?: string;
}

/** How long a claimed run may stay Queued before a later fire of the same id starts it again. */
const STUCK_AFTER_MS = 60_000;

const isConflict = (error: unknown): boolean => error instanceof SibylError && error.code === 'Conflict';

async function restartIfStuck(runId: string, start: RunStarter): Promise<void> {
  const run = await findRun(runId);
  if (run?.status === 'Queued' && Date.now() - Date.parse(run.createdAt) > STUCK_AFTER_MS) await start(runId);
}

export async function fireSchedule(
  doc: ScheduleDoc,
  runId: string,
  details: FireDetails,
  parameters: Record<string, ParameterValue>,
  start: RunStarter,
): Promise<FireOutcome> {
  const { name, version } = parsePipelineRef(doc.pipeline);
  const runDetails = { ...details, scheduleUid: doc.uid };
  try {
    const published = await runnableVersion(name, version);
    await startPipelineRun(
      published,
      { runId, schedule: doc.name, parameters: { ...doc.parameters, ...parameters }, details: runDetails },
      start,
    );
    return 'started';
  } catch (error) {
    if (isConflict(error) && (await findRun(runId))) {
      await restartIfStuck(runId, start);
      return 'duplicate';
    }
    // A client fault (disabled or missing version, parameters) is the outcome of this fire; anything else is retried by the trigger.
    if (!(error instanceof SibylError) || error.status >= 500) throw error;
    try {
      await recordFailedStart(
        runId,
        { schedule: doc.name, pipeline: doc.pipeline, experiment: name, details: runDetails },
        error,
      );
    } catch (recordError) {
      if (isConflict(recordError)) return 'duplicate';
      throw recordError;
    }
    return 'failed';
  }
}
