/**
 * Timer `scheduleTimer`: starts the cron schedules that are due, and polls the datastores of
 * change-based schedules with `pollingIntervalSeconds` whose interval has passed. It runs on `SIBYL_SCHEDULER_CRON`
 * (every minute by default, as in Azure; tests run it every second). Each fire's run id comes from the
 * schedule and the tick, so a tick fires once however many timer runs or instances see it, and ticks
 * missed while the app was down fire once, marked late, at the next run.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getConfig, schedulerCronAtLoad } from '../shared/config';
import { durableRunStarter } from '../shared/pipelines/durableRunStarter';
import { pollDataChangeSchedules } from '../shared/schedules/blobPolling';
import { fireDueCronSchedules } from '../shared/schedules/cronFiring';
import { parseSchedule } from '../shared/schedules/ncrontab';

// The timer's own schedule must be known when it registers; reading it never throws (a bad value falls back to
// every minute here and is reported with the rest of the configuration on first use).
const schedulerCron = schedulerCronAtLoad();
const scheduler = parseSchedule(schedulerCron, { fields: 6, allowTimeSpan: false });

export async function scheduleTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  getConfig(); // Bad settings fail the run with the message naming them, before anything is read.
  const now = new Date();
  const start = durableRunStarter(df.getClient(context));
  const log = (level: 'info' | 'warn' | 'error', message: string) =>
    level === 'error' ? context.error(message) : level === 'warn' ? context.warn(message) : context.log(message);
  const fires = [
    ...(await fireDueCronSchedules({ now, scheduler, start, log })),
    ...(await pollDataChangeSchedules({ now, start, log })),
  ];
  const started = fires.filter((f) => f.outcome === 'started').length;
  if (started) context.log(`scheduleTimer: ${started} schedule${started === 1 ? '' : 's'} fired`);
}

app.timer('scheduleTimer', {
  schedule: schedulerCron,
  runOnStartup: false,
  extraInputs: [df.input.durableClient()],
  handler: scheduleTimer,
});
