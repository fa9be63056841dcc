/**
 * Timer `monitorTimer`: starts the runs of monitors whose trigger (cron or recurrence) is due. It runs
 * on the scheduler's cadence (`SIBYL_SCHEDULER_CRON`). The run id comes from the monitor and the tick,
 * so a tick starts one run however many timer runs or instances see it; ticks missed while the app
 * was down start one run, at the next timer run.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { schedulerCronAtLoad } from '../shared/config';
import { durableMonitorStarter } from '../shared/monitoring/durableMonitorStarter';
import { dueMonitorTicks } from '../shared/monitoring/monitorTriggers';

export async function monitorTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const started = await dueMonitorTicks(new Date(), durableMonitorStarter(df.getClient(context)), (message) =>
    context.warn(message),
  );
  if (started) context.log(`monitorTimer: ${started} monitor run${started === 1 ? '' : 's'} started`);
}

// Read without throwing: a bad setting must not stop the app from indexing (it shows in health/ready).
app.timer('monitorTimer', {
  schedule: schedulerCronAtLoad(),
  runOnStartup: false,
  extraInputs: [df.input.durableClient()],
  handler: monitorTimer,
});
