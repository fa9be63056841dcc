/**
 * Every function and orchestration module loads whatever the settings: the host indexes no function at
 * all when one module throws at load (a first deploy meets unresolved Key Vault references).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Config from '../../../shared/config';

/** Loads a module the way the worker loads an entry file (CommonJS `require`). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (file: string): unknown => require(file);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MODULES = ['functions', 'orchestrations'].flatMap((dir) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f}`),
);

const BROKEN: Record<string, string | undefined> = {
  AzureWebJobsStorage: 'not a connection string',
  COSMOS_ENDPOINT: undefined,
  SIBYL_TOKEN_SIGNING_KEY: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/signing/)',
  SIBYL_KEY_ENCRYPTION_KEY: 'short',
  SIBYL_SCHEDULER_CRON: 'every minute',
  SIBYL_SCHEDULER_CONTAINER: 'Not_A_Container',
  SIBYL_MAX_REQUEST_BYTES: '-1',
};

describe('loading the app with broken settings', () => {
  const saved = { ...process.env };

  beforeAll(() => {
    for (const [name, value] of Object.entries(BROKEN)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  afterAll(() => {
    process.env = saved;
  });

  it('finds the modules', () => {
    expect(MODULES).toEqual(
      expect.arrayContaining([
        'functions/scheduleTimer.ts',
        'functions/scheduleBlobTrigger.ts',
        'functions/appStart.ts',
      ]),
    );
  });

  it.each(MODULES)('%s loads without throwing', (module) => {
    jest.isolateModules(() => {
      expect(() => load(path.join(ROOT, module))).not.toThrow();
    });
  });

  it('reports the settings on first use, as a 503 naming each', () => {
    jest.isolateModules(() => {
      const { getConfig } = load(path.join(ROOT, 'shared/config')) as typeof Config;
      let thrown: unknown;
      try {
        getConfig();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
      for (const name of [
        'AzureWebJobsStorage',
        'COSMOS_ENDPOINT',
        'SIBYL_TOKEN_SIGNING_KEY',
        'SIBYL_KEY_ENCRYPTION_KEY',
        'SIBYL_SCHEDULER_CRON',
        'SIBYL_SCHEDULER_CONTAINER',
        'SIBYL_MAX_REQUEST_BYTES',
      ]) {
        expect((thrown as Error).message).toContain(name);
      }
    });
  });
});
