/**
 * infra/scripts/subscribeBlobTrigger.sh against a stand-in `az` that answers like Azure and records
 * every call: it waits for the host's blobs_extension key, then subscribes each blob trigger to
 * BlobCreated events of its container, and fails with a clear message when it cannot.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INFRA_DIR } from '../../scripts/bicep/bicepCli.cjs';

const SCRIPT = path.join(INFRA_DIR, 'scripts', 'subscribeBlobTrigger.sh');
const HOST = 'func-sibyl-abc-h4sh.swedencentral-01.azurewebsites.net';

interface FakeAzure {
  /** Tab-separated "app/function<TAB>path" lines `az functionapp function list` prints. */
  triggers: string;
  /** How many key polls answer empty before the key appears (-1: never). */
  emptyKeyPolls: number;
  /** SIBYL_KEY_WAIT_SECONDS. */
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
  fs.writeFileSync(path.join(dir, 'triggers.tsv'), fake.triggers);
  fs.writeFileSync(
    path.join(bin, 'az'),
    `#!/usr/bin/env bash
echo "$*" >> "${dir}/calls.log"
case "$*" in
  *"deployment group show"*functionAppName*) echo func-sibyl-abc ;;
  *"deployment group show"*eventGridSystemTopicName*) echo evgt-sibyl-blobs ;;
  *"functionapp show"*) echo ${HOST} ;;
  *"functionapp function list"*) cat "${dir}/triggers.tsv" ;;
  *"functionapp keys list"*)
    polls=$(( $(cat "${dir}/polls" 2>/dev/null || echo 0) + 1 )); echo $polls > "${dir}/polls"
    if [ ${fake.emptyKeyPolls} -ge 0 ] && [ $polls -gt ${fake.emptyKeyPolls} ]; then echo s3cr3t-blobs-key; fi ;;
  *"event-subscription create"*) ;;
  *) echo "unexpected az $*" >&2; exit 3 ;;
esac
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, 'curl'), '#!/usr/bin/env bash\nexit 0\n', { mode: 0o755 });
  const result = spawnSync('bash', [SCRIPT, 'rg-sibyl', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, SIBYL_KEY_WAIT_SECONDS: String(fake.waitSeconds ?? 10), SIBYL_KEY_POLL_SECONDS: '0.05' },
    timeout: 30000,
  });
  const log = path.join(dir, 'calls.log');
  return { status: result.status, out: `${result.stdout}${result.stderr}`, calls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] };
}

const subscriptions = (calls: string[]) => calls.filter((c) => c.includes('event-subscription create'));

describe('infra/scripts/subscribeBlobTrigger.sh', () => {
  it('waits for the blobs_extension key, then subscribes each blob trigger to its container', () => {
    const { status, out, calls } = runScript(
      { triggers: 'func-sibyl-abc/datastoreBlobTrigger\tworkspaceblobstore/{name}\nfunc-sibyl-abc/Models_Watch\tmodels/{name}\n', emptyKeyPolls: 2 },
      [],
    );
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining('done:') });
    expect(calls.filter((c) => c.includes('keys list'))).toHaveLength(3);
    const [first, second] = subscriptions(calls);
    expect(first).toContain('--system-topic-name evgt-sibyl-blobs -n blob-datastoreblobtrigger');
    expect(first).toContain(`--endpoint https://${HOST}/runtime/webhooks/blobs?functionName=Host.Functions.datastoreBlobTrigger&code=s3cr3t-blobs-key`);
    expect(first).toContain('--included-event-types Microsoft.Storage.BlobCreated');
    expect(first).toContain('--subject-begins-with /blobServices/default/containers/workspaceblobstore/');
    expect(second).toContain('-n blob-models-watch');
    expect(second).toContain('--subject-begins-with /blobServices/default/containers/models/');
    // The key goes to Azure only, never to the terminal.
    expect(out).not.toContain('s3cr3t');
  });

  it('subscribes only the function named, with the container given', () => {
    const { status, calls } = runScript({ triggers: 'func-sibyl-abc/a\tx/{name}\nfunc-sibyl-abc/b\ty/{name}\n', emptyKeyPolls: 0 }, ['b', 'incoming']);
    expect(status).toBe(0);
    expect(subscriptions(calls)).toEqual([expect.stringContaining('Host.Functions.b&code=')]);
    expect(subscriptions(calls)[0]).toContain('/blobServices/default/containers/incoming/');
  });

  it('refuses when the app reports no blob trigger (code not published yet)', () => {
    const { status, out, calls } = runScript({ triggers: '', emptyKeyPolls: 0 }, []);
    expect(status).toBe(1);
    expect(out).toContain('reports no blob-trigger functions');
    expect(subscriptions(calls)).toEqual([]);
  });

  it('gives up with a clear error when the key never appears', () => {
    const { status, out, calls } = runScript({ triggers: 'func-sibyl-abc/t\tc/{name}\n', emptyKeyPolls: -1, waitSeconds: 1 }, []);
    expect(status).toBe(1);
    expect(out).toContain("no 'blobs_extension' system key");
    expect(subscriptions(calls)).toEqual([]);
  });

  it('prints its usage without arguments', () => {
    const result = spawnSync('bash', [SCRIPT], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('Usage: infra/scripts/subscribeBlobTrigger.sh <resource-group>');
  });
});
