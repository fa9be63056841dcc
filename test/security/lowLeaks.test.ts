/**
 * The security issue's low-severity items that live outside the host: the dashboard's copyable curl
 * line (quoting checked by a real shell), the CLI's transport rules (plain http to remote hosts, where
 * its Azure token may go) and where it keeps the key, driven as the `sibyl` process; and readiness
 * probes sharing one check.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { assertSecureUrl, assertTrustedStorage } from '../../cli/core/transportPolicy';
import { checkReadiness } from '../../shared/health/readiness';
import { shellQuote } from '../../web/src/shellQuote';
import { cliUser, expectExit } from '../e2e/cli/cliProcess';

describe('the dashboard curl line survives hostile input names', () => {
  it.each([`it's`, `a'; touch /tmp/pwned; echo '`, '$(id) `id` $HOME', 'line\nbreak', '{"x": [1]}', ''])(
    'quotes %j so the shell sees it unchanged',
    (value) => {
      expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
    },
  );
});

describe('CLI transport rules', () => {
  it('accepts https anywhere and http only to this machine, unless --insecure', () => {
    expect(() => assertSecureUrl('https://sibyl.example.com', false)).not.toThrow();
    for (const local of ['http://127.0.0.1:7071', 'http://localhost:7071', 'http://[::1]:7071'])
      expect(() => assertSecureUrl(local, false)).not.toThrow();
    expect(() => assertSecureUrl('http://10.1.2.3:7071', false)).toThrow(/--insecure/);
    expect(() => assertSecureUrl('http://127.0.0.1.evil.com:7071', false)).toThrow(/--insecure/);
    expect(() => assertSecureUrl('http://10.1.2.3:7071', true)).not.toThrow();
  });

  it('sends an Azure token only to Azure storage accounts or a local Azurite', () => {
    for (const ok of [
      'https://acct.blob.core.windows.net/',
      'https://acct.blob.core.usgovcloudapi.net',
      'https://acct.blob.core.chinacloudapi.cn',
      'http://127.0.0.1:10000/devstoreaccount1',
    ]) {
      expect(() => assertTrustedStorage(ok)).not.toThrow();
    }
    for (const bad of [
      'https://evil.example.com/',
      'http://acct.blob.core.windows.net/',
      'https://acct.blob.core.windows.net.evil.com/',
      'https://blob.core.windows.net@evil.com/',
      'not a url',
    ]) {
      expect(() => assertTrustedStorage(bad)).toThrow(/refusing|not a URL/);
    }
  });

  it('refuses login over plain http to a remote host, and with --insecure says where the key went', async () => {
    const user = cliUser();
    const refused = await user.run(['login', '--url', 'http://10.1.2.3:7071', '--key', 'k'.repeat(40), '--no-verify']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/plain http.*--insecure/);
    const file = path.join(user.configHome, 'sibyl', 'config.json');
    expect(fs.existsSync(file)).toBe(false);

    const saved = expectExit(
      await user.run(['login', '--url', 'http://10.1.2.3:7071', '--key', 'k'.repeat(40), '--no-verify', '--insecure'], {
        env: { SIBYL_KEYCHAIN: '0' },
      }),
      0,
    );
    expect(saved.stdout).toMatch(
      /the key is in .*config\.json \(readable by you only: file 0600, folder 0700; no OS keychain/,
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).profiles.default).toMatchObject({
      url: 'http://10.1.2.3:7071',
      insecure: true,
    });
  });

  it('does not hand its Azure credential to the accountUrl a malicious server answers', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'evil', container: 'data', accountUrl: 'https://evil.example.com/collect' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const user = cliUser({ SIBYL_URL: `http://127.0.0.1:${port}`, SIBYL_KEY: 'k' });
      const result = await user.run(['download', 'evil:a.csv', path.join(user.configHome, 'a.csv')]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/refusing to send your Azure credential to 'https:\/\/evil\.example\.com'/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('readiness probes share one check', () => {
  beforeAll(() => {
    Object.assign(process.env, {
      AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
      COSMOS_ENDPOINT: process.env.SIBYL_TEST_COSMOS_ENDPOINT,
      COSMOS_KEY: process.env.SIBYL_TEST_COSMOS_KEY,
    });
  });

  it('answers a burst of probes from one storage list and one Cosmos read', async () => {
    const burst = Array.from({ length: 50 }, () => checkReadiness());
    expect(new Set(burst).size).toBe(1);
    const [first] = await Promise.all(burst);
    expect(first?.checks.storage.ok).toBe(true);
  });
});
