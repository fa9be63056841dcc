import * as fs from 'node:fs';
import { pollUntil } from '../../support/poll';
import { csvText, featureRows, startBatchHost, upload } from './batchHarness';

it('debug timings', async () => {
  const client = await startBatchHost();
  try {
    await client.registerModel('mlp-debug');
    await upload('debug/in.csv', csvText(featureRows(400, 41)));
    const submitted = await client.submit({ model: 'mlp-debug:1', input: { datastore: 'workspaceblobstore', path: 'debug/in.csv', format: 'csv' }, output: { datastore: 'workspaceblobstore', path: 'debug/out' }, miniBatchSize: { rows: 1 }, maxConcurrency: 10 });
    const id = submitted.body.id;
    const url = (i: string) => `${client.host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(i)}?showHistory=true&code=${client.host.functionKey}`;
    const chunk = await pollUntil(async () => {
      const s = (await (await fetch(url(`${id}:chunk-0`))).json()) as { runtimeStatus?: string; historyEvents?: { EventType: string; Timestamp: string; ScheduledTime?: string; FunctionName?: string }[] };
      return s.runtimeStatus === 'Completed' ? s : undefined;
    }, 'chunk 0', 280_000, 500);
    fs.writeFileSync('/tmp/chunk0.json', JSON.stringify(chunk.historyEvents, null, 1));
  } finally {
    await client.host.stop();
  }
}, 300_000);
