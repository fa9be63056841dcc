/**
 * What user code sees of the replica's environment: the scorer's config keeps the basics and the proxy
 * settings of its own environment (never a Sibyl or Azure setting), and the user process's environment is
 * those, then the environment's variables, then Sibyl's own.
 */
import { isScorerSetting, parseScorerConfig } from '../../../shared/scorerConfig';
import { userEnv } from '../../../scorer/userCode/userProcess';

const REQUIRED = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', SIBYL_SCORER_KEY: 'the-scorer-key' };
const userCode = (env: Record<string, string | undefined>) => parseScorerConfig({ ...REQUIRED, ...env }).userCode;

/** The basics user processes inherit. */
const BASICS = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/scorer',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TMPDIR: '/tmp/replica',
  PIP_INDEX_URL: 'https://pypi.internal/simple',
};
const REPLICA_ENV = {
  ...BASICS,
  HTTPS_PROXY: 'http://proxy.internal:3128',
  no_proxy: 'localhost,127.0.0.1',
  SIBYL_SCORER_USER_RUNTIME: undefined,
  SIBYL_USER_CODE_DIR: '/data/code',
  AzureWebJobsStorage__blobServiceUri: 'https://stsibyl.blob.core.windows.net',
  AZURE_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
  PATHEXT: '.EXE',
  NODE_OPTIONS: '--inspect',
};

describe("the replica's environment kept for user processes", () => {
  it('keeps nothing by default', () => {
    expect(userCode({})).toMatchObject({ inheritedEnv: {}, proxyEnv: {} });
  });

  it('keeps the basics and, apart, the proxy settings; never a Sibyl, Azure or other setting', () => {
    const settings = userCode(REPLICA_ENV);
    expect(settings.inheritedEnv).toEqual(BASICS);
    expect(settings.proxyEnv).toEqual({ HTTPS_PROXY: 'http://proxy.internal:3128', no_proxy: 'localhost,127.0.0.1' });
    expect(Object.isFrozen(settings.inheritedEnv)).toBe(true);
  });

  it("builds a user process's environment: the basics, then the environment's variables, then Sibyl's own", () => {
    const { inheritedEnv } = userCode(REPLICA_ENV);
    const env = userEnv(inheritedEnv, { LANG: 'de_DE.UTF-8', MODEL_FLAVOUR: 'small', PORT: '1' }, { PORT: '5001' });
    expect(env).toEqual({ ...inheritedEnv, LANG: 'de_DE.UTF-8', MODEL_FLAVOUR: 'small', PORT: '5001' });
    expect(Object.keys(env).filter(isScorerSetting)).toEqual([]);
  });

  it("names the scorer's own settings, which a node module sharing its process must not see", () => {
    expect(['SIBYL_SCORER_KEY', 'AzureWebJobsStorage', 'AzureWebJobsStorage__accountName'].every(isScorerSetting)).toBe(
      true,
    );
    expect(['PATH', 'AZURE_CLIENT_ID', 'MY_SIBYL_SETTING'].some(isScorerSetting)).toBe(false);
  });
});
