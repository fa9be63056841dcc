/** Durable Functions through the emulator: HTTP starter, fan-out/fan-in with a retry, crash and resume. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, tempDir } from '../../support/hostProcess';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'hostApp');

interface Status {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
  historyEvents?: { EventType: string; FunctionName?: string }[];
}

function calls(counterDir: string, activity: string, input: number): number {
  const file = path.join(counterDir, `${activity}-${input}`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').length : 0;
}

async function start(
  baseUrl: string,
  functionKey: string,
  input: unknown,
): Promise<{ id: string; statusQueryGetUri: string }> {
  const res = await fetch(`${baseUrl}/api/orchestrators/fanOutFanIn`, {
    method: 'POST',
    body: JSON.stringify(input),
    headers: { 'x-functions-key': functionKey },
  });
  expect(res.status).toBe(202);
  expect(res.headers.get('location')).toMatch(/runtime\/webhooks\/durabletask\/instances\//);
  return (await res.json()) as { id: string; statusQueryGetUri: string };
}

async function status(url: string, query = ''): Promise<Status> {
  const res = await fetch(`${url}${query}`);
  expect([200, 202]).toContain(res.status);
  return (await res.json()) as Status;
}

/** Polls the status URL until the instance has ended (neither Running nor Pending). */
function ended(statusQueryGetUri: string, what: string): Promise<Status> {
  return pollUntil(
    async () => {
      const s = await status(statusQueryGetUri);
      return s.runtimeStatus === 'Running' || s.runtimeStatus === 'Pending' ? undefined : s;
    },
    what,
    60000,
    100,
  );
}

/** 0² + 1² + … + (n-1)², what fanOutFanIn sums for `count: n`. */
const sumOfSquares = (n: number) => Array.from({ length: n }, (_, i) => i * i).reduce((a, b) => a + b, 0);

describe('Durable Functions in the emulator', () => {
  it('fans out 50 activities (one fails once and is retried), fans in the sum, followed through the status URL', async () => {
    const counterDir = tempDir('counters');
    const host = await startHost({ appDir: APP, env: { FIXTURE_COUNTER_DIR: counterDir } });
    try {
      const started = await start(host.baseUrl, host.functionKey, { count: 50 });
      const done = await ended(started.statusQueryGetUri, 'the orchestration to finish');
      expect(done.runtimeStatus).toBe('Completed');
      expect(done.output).toEqual({ sum: sumOfSquares(50), count: 50 });
      expect(done.customStatus).toEqual({ stage: 'fanned-out', count: 50 });
      expect(calls(counterDir, 'square', 7)).toBe(2);
      for (let i = 0; i < 50; i++) if (i !== 7) expect(calls(counterDir, 'square', i)).toBe(1);
      const unknown = await fetch(
        `${host.baseUrl}/runtime/webhooks/durabletask/instances/no-such-instance?code=${host.functionKey}`,
      );
      expect(unknown.status).toBe(404);
      expect((await fetch(started.statusQueryGetUri.replace(/code=[^&]+/, 'code=wrong'))).status).toBe(401);
    } finally {
      await host.stop();
    }
  });

  it('resumes an orchestration after a crash without re-running finished activities', async () => {
    const counterDir = tempDir('counters');
    const gate = path.join(tempDir('gate'), 'open');
    const env = { FIXTURE_COUNTER_DIR: counterDir, FIXTURE_GATE_FILE: gate };
    const first = await startHost({ appDir: APP, env });
    const started = await start(first.baseUrl, first.functionKey, { count: 20, activity: 'slowSquare' });
    // Items 0–9 complete; items 10–19 wait for the gate. Wait until the ten completions are in the history.
    await pollUntil(
      async () => {
        const s = await status(started.statusQueryGetUri, '&showHistory=true');
        return (s.historyEvents ?? []).filter((e) => e.EventType === 'TaskCompleted').length >= 10;
      },
      'ten activities to complete',
      60000,
      100,
    );
    await first.kill();
    fs.writeFileSync(gate, 'open');
    const second = await startHost({
      appDir: APP,
      env,
      dataDir: first.dataDir,
      functionKey: first.functionKey,
      masterKey: first.masterKey,
      port: first.port,
    });
    try {
      const done = await ended(started.statusQueryGetUri, 'the resumed orchestration to finish');
      expect(done.runtimeStatus).toBe('Completed');
      expect(done.output).toEqual({ sum: sumOfSquares(20), count: 20 });
      for (let i = 0; i < 10; i++) expect(calls(counterDir, 'slowSquare', i)).toBe(1);
      for (let i = 10; i < 20; i++) expect(calls(counterDir, 'slowSquare', i)).toBeGreaterThanOrEqual(1);
    } finally {
      await second.stop();
    }
  });
});
