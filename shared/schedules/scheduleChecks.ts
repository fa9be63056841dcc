/**
 * Validation of a schedule before it is stored: the cron (5 or 6 fields) and its IANA time zone, start
 * before end, the glob of a change-based trigger, its datastore (which must live in the container the
 * blob trigger watches), and the published pipeline version with the parameters the schedule sets.
 * Bad definitions answer 400 with the reason; a pipeline version or datastore that does not exist, 404.
 *
 * @example await checkSchedule(spec, { watchedContainer: 'workspaceblobstore' });
 */
import type { ScheduleSpec } from '../api/schemas';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import { SibylError } from '../errors';
import { mergeParameters } from '../pipelines/pipelineRuns';
import { readPipelineVersion } from '../pipelines/pipelineStore';
import { compilePathGlob } from './pathGlob';
import { cronOf, isCronTrigger } from './scheduleDocuments';

/** The parameter a change-based schedule passes the changed blob's path in, unless it names another. */
export const DEFAULT_PATH_PARAMETER = 'inputPath';

function invalid(message: string, target: string): SibylError {
  return new SibylError('InvalidInput', message, [{ target, message }]);
}

function checkCron(trigger: { cron: string; timeZone?: string; startTime?: string; endTime?: string }): void {
  try {
    cronOf(trigger);
  } catch (error) {
    const message = (error as Error).message.replace(/^Invalid schedule/, 'Cron');
    throw invalid(
      `${message} Use NCRONTAB with six fields (second minute hour day month day-of-week, e.g. '0 */5 * * * *') ` +
        "or five (minute hour day month day-of-week), and an IANA time zone such as 'Europe/Paris'.",
      /time zone/.test(message) ? 'trigger.timeZone' : 'trigger.cron',
    );
  }
  if (trigger.startTime && trigger.endTime && Date.parse(trigger.endTime) <= Date.parse(trigger.startTime)) {
    throw invalid(
      `The schedule ends (${trigger.endTime}) before it starts (${trigger.startTime}); endTime must be after startTime.`,
      'trigger.endTime',
    );
  }
}

/** Splits `name:version`. */
export function parsePipelineRef(ref: string): { name: string; version: number } {
  const at = ref.lastIndexOf(':');
  return { name: ref.slice(0, at), version: Number(ref.slice(at + 1)) };
}

/** Throws InvalidInput (400), PipelineNotFound or DatastoreNotFound (404) for a schedule that cannot work. */
export async function checkSchedule(spec: ScheduleSpec, options: { watchedContainer: string }): Promise<void> {
  const { trigger } = spec;
  let pathParameter: string | undefined;
  if (isCronTrigger(trigger)) checkCron(trigger);
  else {
    compilePathGlob(trigger.pathPattern);
    const datastore = await readDatastoreDoc(trigger.datastore);
    if (datastore.container !== options.watchedContainer && trigger.pollingIntervalSeconds === undefined) {
      throw invalid(
        `Datastore '${datastore.name}' is in Blob container '${datastore.container}', ` +
          `but blob events are watched in container '${options.watchedContainer}' ` +
          '(setting SIBYL_SCHEDULER_CONTAINER); ' +
          'use a datastore in that container, or set pollingIntervalSeconds to have the datastore polled.',
        'trigger.datastore',
      );
    }
    pathParameter = trigger.parameterName ?? DEFAULT_PATH_PARAMETER;
  }
  const { name, version } = parsePipelineRef(spec.pipeline);
  const published = await readPipelineVersion(name, version);
  mergeParameters(published, spec.parameters);
  if (pathParameter && !(pathParameter in published.definition.parameters)) {
    const declared = Object.keys(published.definition.parameters);
    throw invalid(
      `Pipeline ${spec.pipeline} has no parameter '${pathParameter}' to receive the changed blob's path ` +
        `(${declared.length ? `its parameters: ${declared.join(', ')}` : 'it declares none'}); ` +
        'set trigger.parameterName or declare it in the pipeline.',
      'trigger.parameterName',
    );
  }
}
