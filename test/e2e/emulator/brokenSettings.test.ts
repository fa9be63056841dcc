/**
 * Sibyl's own app on the local host. A first deploy before Key Vault references resolve: the app's settings are broken, yet every function
 * module loads (the host would index none if one threw), requests answer 503 naming the bad setting,
 * `health/ready` says which, and the dashboard still opens.
 */
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';

const UNRESOLVED = '@Microsoft.KeyVault(SecretUri=https://sibyl-kv.vault.azure.net/secrets/token-signing-key/)';

describe('the app with broken settings (child process)', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHost({
      appDir: REPO_ROOT,
      env: { SIBYL_TOKEN_SIGNING_KEY: UNRESOLVED, SIBYL_SCHEDULER_CRON: 'every minute', SIBYL_DEMO: 'false' },
    });
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('loads every function and answers control-plane requests with a 503 naming the settings', async () => {
    const res = await fetch(`${host.baseUrl}/api/models`, { headers: { 'x-functions-key': host.functionKey } });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('ServiceUnavailable');
    // The answer names the settings (never their values); health/ready says what is wrong with each.
    expect(body.error.message).toMatch(/SIBYL_TOKEN_SIGNING_KEY/);
    expect(body.error.message).toMatch(/SIBYL_SCHEDULER_CRON/);
    expect(host.output()).toMatch(/scheduleTimer: timerTrigger \(0 \* \* \* \* \*\)/);
    expect(host.output()).toMatch(/scheduleBlobTrigger: eventGridTrigger/);
  });

  it('says which settings are bad in health/ready, and keeps liveness and the dashboard up', async () => {
    const ready = await fetch(`${host.baseUrl}/api/v2/health/ready`);
    expect(ready.status).toBe(503);
    const readiness = (await ready.json()) as { ready: boolean; checks: { settings: { ok: boolean; error: string } } };
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.settings.ok).toBe(false);
    expect(readiness.checks.settings.error).toMatch(/SIBYL_TOKEN_SIGNING_KEY/);
    expect(readiness.checks.settings.error).not.toContain('sibyl-kv.vault.azure.net');
    expect((await fetch(`${host.baseUrl}/api/v2/health/live`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${host.baseUrl}/`)).status);
  });

  // Under the host's rules: an empty route would be `/dashboard`; `{page?}` matches `/` instead; what no
  // route serves under api/ reaches the app's catch-all and gets Sibyl's JSON error.
  it('opens the dashboard at / only, and answers unknown API paths with JSON 404 and wrong methods with 405', async () => {
    const page = await fetch(`${host.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const named = await fetch(`${host.baseUrl}/dashboard`);
    expect(named.status).toBe(404);
    expect(await named.text()).toBe('');
    const unknown = await fetch(`${host.baseUrl}/api/nope/deeper`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'NotFound', message: expect.stringMatching(/^No route matches GET \/api\/nope\/deeper/) },
    });
    const oip = await fetch(`${host.baseUrl}/api/v2/models/x/nope`);
    expect(oip.status).toBe(404);
    expect(await oip.json()).toEqual({
      error: expect.stringMatching(/^No route matches GET \/api\/v2\/models\/x\/nope/),
    });
    const wrong = await fetch(`${host.baseUrl}/api/models`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('MethodNotAllowed');
  });
});
