import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { instanceDirName } from '../../../../emulator/durable/instanceStore';
import { startEngine, tempDir } from './durableTestKit';

df.app.activity('inc', { handler: async (n: number) => { await new Promise((r) => setImmediate(r)); return n + 1; } });
df.app.orchestration('big', function* (ctx: OrchestrationContext) {
  const n = ctx.df.getInput<number>();
  const r = (yield ctx.df.Task.all([...Array(n).keys()].map((i) => ctx.df.callActivity('inc', i)))) as number[];
  return r.length;
});

it.each([[2000, false], [2000, true], [5000, false]])('fan-out %i fsync=%s', async (n, fsync) => {
  const tmp = tempDir();
  const { engine } = await startEngine(tmp.dir, { fsync, maxConcurrentActivities: 10 });
  const t0 = Date.now();
  let episodes = 0;
  const id = await engine.startNew('big', { input: n, instanceId: 'big' });
  const s = await engine.waitForCompletion(id, 120_000);
  const ms = Date.now() - t0;
  const file = path.join(engine.root, 'instances', instanceDirName('big'), 'journal.jsonl');
  const lines = require('node:fs').readFileSync(file, 'utf8').split('\n').filter((l: string) => l.includes('"k":"ep"')).length;
  episodes = lines;
  console.log(`n=${n} fsync=${fsync} ${ms} ms, episodes=${episodes}, journal=${statSync(file).size} bytes, output=${String(s.output)}`);
  await engine.stop();
  tmp.cleanup();
}, 200_000);
