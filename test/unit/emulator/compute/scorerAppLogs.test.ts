/**
 * A local scorer app's logs over real replica processes (a small stand-in program for the scorer):
 * each line carries its replica's name, a replica that fails to start keeps its stderr in the logs
 * after it is gone, and the replica's key, connection string and SAS signature never appear.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScorerAppSpec } from '../../../../shared/compute/computeTypes';
import { ScorerApp } from '../../../../emulator/compute/scorerApp';
import { pollUntil } from '../../../support/poll';

const KEY = 'scorer-key-7d1f0c9a2b3e4f5a6b7c';
const ACCOUNT_KEY = 'c2VjcmV0LWFjY291bnQta2V5LXRoYXQtbXVzdC1ub3QtbGVhaw==';
const CONNECTION = `DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:1/dev;`;
const SIG = 'c2lnbmF0dXJlLXNlY3JldA%3D%3D';

/** Prints its secrets as a careless scoring script would, then serves (or fails as a model that cannot run). */
const PROGRAM = `
console.log('init with key ' + process.env.SIBYL_SCORER_KEY);
console.log('storage is ' + process.env.AzureWebJobsStorage);
console.error('fetching https://acct.blob.core.windows.net/models/m/1/model.onnx?sv=2024&sig=${SIG}&sp=r');
if (process.env.FAKE_MODE === 'fail') {
  console.error('Traceback (most recent call last):');
  console.error('RuntimeError: init failed: the model cannot run');
  process.exit(3);
}
console.log('Sibyl scorer listening on port 1');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

function spec(revision: string, mode: string): ScorerAppSpec {
  return {
    endpoint: 'logs-e',
    deployment: 'blue',
    kind: 'container',
    minReplicas: 2,
    maxReplicas: 2,
    concurrentRequests: 1,
    scaleInDelaySeconds: 300,
    runtime: 'onnx',
    settings: { FAKE_MODE: mode },
    revision,
  };
}

describe('local scorer app logs', () => {
  let dir: string;
  let app: ScorerApp;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-replica-logs-'));
    fs.writeFileSync(path.join(dir, 'replica.js'), PROGRAM);
  });

  afterAll(async () => {
    await app?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every replica's console, a failed start included, named and redacted", async () => {
    app = new ScorerApp('logs-e/blue', spec('aaaaaaaa1', 'ok'), {
      programOf: () => path.join(dir, 'replica.js'),
      baseEnv: { PATH: process.env.PATH, SIBYL_SCORER_KEY: KEY, AzureWebJobsStorage: CONNECTION },
      forcedEnv: {},
      startTimeoutMs: 60_000,
      url: 'http://127.0.0.1:1',
      log: () => undefined,
    });
    await app.apply(spec('aaaaaaaa1', 'ok'));
    // Ready once stdout says so; stderr is a separate pipe and may come a moment later.
    const serving = await pollUntil(() => {
      const lines = app.logs(100);
      return lines.filter((l) => l.stream === 'stderr').length === 2 && lines;
    }, "both replicas' stderr");
    const replicas = [...new Set(serving.map((l) => l.replica))].sort();
    expect(replicas).toEqual(['blue-aaaaaaaa-1', 'blue-aaaaaaaa-2']);
    for (const replica of replicas) {
      const mine = serving.filter((l) => l.replica === replica);
      expect(mine.map((l) => `${l.stream} ${l.text}`)).toEqual(
        expect.arrayContaining([
          'stdout init with key [REDACTED]',
          'stdout storage is [REDACTED]',
          'stdout Sibyl scorer listening on port 1',
        ]),
      );
      expect(mine.some((l) => l.stream === 'stderr' && l.text.includes('sig=[REDACTED]&sp=r'))).toBe(true);
    }

    await expect(app.apply(spec('bbbbbbbb2', 'fail'))).rejects.toThrow(/did not start/);
    expect(app.status().error).not.toContain(KEY);
    const failedStart = (l: { replica: string; stream: string; text: string }) =>
      l.replica.startsWith('blue-bbbbbbbb-') &&
      l.stream === 'stderr' &&
      /init failed: the model cannot run/.test(l.text);
    const after = await pollUntil(() => {
      const lines = app.logs(100);
      return lines.some(failedStart) && lines;
    }, "the failed replica's stderr");
    // The serving revision's replicas are still there, and the tail applies per replica.
    expect(after.some((l) => l.replica === 'blue-aaaaaaaa-1')).toBe(true);
    expect(app.logs(1).filter((l) => l.replica === 'blue-aaaaaaaa-1')).toHaveLength(1);
    const all = JSON.stringify(after);
    for (const secret of [KEY, ACCOUNT_KEY, SIG]) expect(all).not.toContain(secret);
    expect(after.map((l) => l.time)).toEqual([...after.map((l) => l.time)].sort());
  }, 120_000);
});
