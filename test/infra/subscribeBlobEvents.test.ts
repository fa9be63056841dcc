/**
 * infra/scripts/subscribeBlobEvents.sh against a stand-in `az` that answers like Azure and records every
 * call: it waits for the host to index the Event Grid trigger `scheduleBlobTrigger`, then subscribes that
 * function (by resource id, Event Grid schema) to BlobCreated events of the watched container, and fails
 * with a clear message when it cannot.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INFRA_DIR } from '../../scripts/bicep/bicepCli.cjs';

const SCRIPT = path.join(INFRA_DIR, 'scripts', 'subscribeBlobEvents.sh');
const FUNCTION_ID =
  '/subscriptions/sub-1/resourceGroups/rg-sibyl/providers/Microsoft.Web/sites/func-sibyl-abc/functions/scheduleBlobTrigger';

interface FakeAzure {
  /** How many `function show` polls fail before the function is indexed (-1: never). */
  unindexedPolls: number;
  /** The function's binding types, as `join(',', config.bindings[].type)` prints them. */
  bindings?: string;
  /** The app's SIBYL_SCHEDULER_CONTAINER setting (empty: unset). */
  containerSetting?: string;
  /** SIBYL_FUNCTION_WAIT_SECONDS. */
  waitSeconds?: number;
}

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-az-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function runScript(fake: FakeAzure, args: string[]): { status: number | null; out: string; calls: string[] } {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'az'),
    `#!/usr/bin/env bash
echo "$*" >> "${dir}/calls.log"
case "$*" in
  *"deployment group show"*functionAppName*) echo func-sibyl-abc ;;
  *"deployment group show"*eventGridSystemTopicName*) echo evgt-sibyl-blobs ;;
  *"appsettings list"*) echo "${fake.containerSetting ?? ''}" ;;
  *"function show"*"--query id"*)
    polls=$(( $(cat "${dir}/polls" 2>/dev/null || echo 0) + 1 )); echo $polls > "${dir}/polls"
    if [ ${fake.unindexedPolls} -ge 0 ] && [ $polls -gt ${fake.unindexedPolls} ]; then echo ${FUNCTION_ID}
    else echo "ERROR: (NotFound) Error retrieving function." >&2; exit 3; fi ;;
  *"function show"*bindings*) echo "${fake.bindings ?? 'eventGridTrigger,durableClient'}" ;;
  *"event-subscription create"*) ;;
  *) echo "unexpected az $*" >&2; exit 3 ;;
esac
`,
    { mode: 0o755 },
  );
  const result = spawnSync('bash', [SCRIPT, 'rg-sibyl', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      SIBYL_FUNCTION_WAIT_SECONDS: String(fake.waitSeconds ?? 10),
      SIBYL_FUNCTION_POLL_SECONDS: '0.05',
    },
    timeout: 30000,
  });
  const log = path.join(dir, 'calls.log');
  return {
    status: result.status,
    out: `${result.stdout}${result.stderr}`,
    calls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [],
  };
}

const subscriptions = (calls: string[]) => calls.filter((c) => c.includes('event-subscription create'));

describe('infra/scripts/subscribeBlobEvents.sh', () => {
  it('waits for the function to be indexed, then subscribes it by resource id to BlobCreated of the default container', () => {
    const { status, out, calls } = runScript({ unindexedPolls: 2 }, []);
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining('done:') });
    expect(calls.filter((c) => c.includes('function show') && c.includes('--query id'))).toHaveLength(3);
    expect(subscriptions(calls)).toEqual([
      'eventgrid system-topic event-subscription create -g rg-sibyl --system-topic-name evgt-sibyl-blobs ' +
        `-n blob-scheduleblobtrigger --endpoint-type azurefunction --endpoint ${FUNCTION_ID} ` +
        '--event-delivery-schema eventgridschema --included-event-types Microsoft.Storage.BlobCreated ' +
        '--subject-begins-with /blobServices/default/containers/workspaceblobstore/ --output none',
    ]);
    // No key of the host is read: the azurefunction endpoint needs none.
    expect(calls.some((c) => c.includes('keys list'))).toBe(false);
  });

  it("filters on the app's SIBYL_SCHEDULER_CONTAINER when set", () => {
    const { status, calls } = runScript({ unindexedPolls: 0, containerSetting: 'lake-drops' }, []);
    expect(status).toBe(0);
    expect(subscriptions(calls)[0]).toContain('--subject-begins-with /blobServices/default/containers/lake-drops/ ');
  });

  it('filters on the container given, without reading the setting', () => {
    const { status, calls } = runScript({ unindexedPolls: 0, containerSetting: 'lake-drops' }, ['incoming']);
    expect(status).toBe(0);
    expect(calls.some((c) => c.includes('appsettings list'))).toBe(false);
    expect(subscriptions(calls)[0]).toContain('--subject-begins-with /blobServices/default/containers/incoming/ ');
  });

  it('refuses a container name Blob storage would not accept', () => {
    for (const bad of ['Bad_Name', 'ab', 'a--b', 'x'.repeat(64), 'ends-']) {
      const { status, out, calls } = runScript({ unindexedPolls: 0 }, [bad]);
      expect({ bad, status }).toEqual({ bad, status: 1 });
      expect(out).toContain('is not a Blob container name');
      expect(subscriptions(calls)).toEqual([]);
      fs.rmSync(path.join(dir, 'bin'), { recursive: true });
    }
  });

  it('refuses when the published function is still the old blob trigger', () => {
    const { status, out, calls } = runScript({ unindexedPolls: 0, bindings: 'blobTrigger,durableClient' }, []);
    expect(status).toBe(1);
    expect(out).toContain('is not an Event Grid trigger (bindings: blobTrigger,durableClient)');
    expect(subscriptions(calls)).toEqual([]);
  });

  it('gives up with a clear error when the function is never indexed', () => {
    const { status, out, calls } = runScript({ unindexedPolls: -1, waitSeconds: 1 }, []);
    expect(status).toBe(1);
    expect(out).toContain("has no function 'scheduleBlobTrigger' after 1s. Publish sibyl.zip first");
    expect(out).toContain('(NotFound)');
    expect(subscriptions(calls)).toEqual([]);
  });

  it('prints its usage without arguments or with too many', () => {
    for (const args of [[], ['rg', 'container', 'extra']]) {
      const result = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stdout).toContain('Usage: infra/scripts/subscribeBlobEvents.sh <resource-group> [container]');
      expect(result.stdout).not.toMatch(/^#|set -euo/m);
    }
  });
});
