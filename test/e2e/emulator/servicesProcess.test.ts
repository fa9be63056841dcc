/**
 * The embedded Azurite and Cosmos server run in a process of their own beside the host (`sibyl-services`):
 * they leave with the host, whether it stops or is killed, and Ctrl-C reaches them only through the host,
 * which stops them after the app so that nothing written is lost.
 */
import * as path from 'node:path';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { pollUntil } from '../../support/poll';
import { processAlive } from '../../support/replicaProcesses';
import { execFileSync } from 'node:child_process';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'hostApp');

/** The pid of the services process this host started. */
function servicesPid(host: HostProcess): number | undefined {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const row = table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, ppid, ...args]) => Number(ppid) === host.child.pid && args.join(' ').startsWith('sibyl-services'));
  return row ? Number(row[0]) : undefined;
}

describe('the embedded services process (child process)', () => {
  const put = (host: HostProcess, id: string, body: object) =>
    fetch(`${host.baseUrl}/api/docs/${id}`, { method: 'PUT', body: JSON.stringify(body) });
  const read = async (host: HostProcess, id: string) => (await fetch(`${host.baseUrl}/api/docs/${id}`)).json();

  it('runs beside the host, ignores a Ctrl-C of its own, and keeps what was written across a stop', async () => {
    const dataDir = tempDir('services');
    const host = await startHost({ appDir: APP, dataDir, embedded: true });
    try {
      const pid = await pollUntil(() => servicesPid(host), 'the services process');
      expect((await put(host, 'kept', { value: 1 })).status).toBe(200);
      process.kill(pid, 'SIGINT');
      expect((await put(host, 'kept', { value: 2 })).status).toBe(200);
      expect(processAlive(pid)).toBe(true);
      expect(await host.stop()).toBe(0);
      await pollUntil(() => !processAlive(pid), 'the services process to exit with the host');
    } finally {
      await host.stop();
    }
    const again = await startHost({ appDir: APP, dataDir, embedded: true });
    try {
      expect(await read(again, 'kept')).toEqual(expect.objectContaining({ id: 'kept', value: 2 }));
    } finally {
      await again.stop();
    }
  });

  it('says so when the services die under a running host', async () => {
    const host = await startHost({ appDir: APP, embedded: true });
    try {
      const pid = await pollUntil(() => servicesPid(host), 'the services process');
      process.kill(pid, 'SIGKILL');
      await pollUntil(
        () => host.output().includes('The storage and Cosmos DB services exited on their own (signal SIGKILL)'),
        'the host to report the services gone',
      );
    } finally {
      await host.stop();
    }
  });

  it('leaves with a host that is killed', async () => {
    const host = await startHost({ appDir: APP, embedded: true });
    const pid = await pollUntil(() => servicesPid(host), 'the services process');
    await host.kill();
    await pollUntil(() => !processAlive(pid), 'the services process to exit after the host was killed');
  });
});
