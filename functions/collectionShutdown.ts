/** Writes the collected data still queued when the app stops (at most the last second's requests). */
import { app } from '@azure/functions';
import { flushCollectedData } from '../shared/monitoring/dataCollector';

app.hook.appTerminate(() => flushCollectedData());
