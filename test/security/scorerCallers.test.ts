/**
 * Item 7 (the scorer's side): with Entra ID tokens, the scorer accepts only the principals it is told
 * to (the Function App's identity), never any token for its audience; and it refuses to start with an
 * audience but no allowed callers.
 */
import { parseScorerConfig } from '../../shared/scorerConfig';
import { createScorerAuthenticator } from '../../scorer/scorerAuth';
import { AUDIENCE, TENANT, startLocalEntraId, type LocalEntraId } from '../unit/endpoints/auth/localEntraId';

describe('scorer callers', () => {
  let entra: LocalEntraId;

  beforeAll(async () => {
    entra = await startLocalEntraId();
  });

  afterAll(async () => {
    await entra.close();
  });

  const env = (extra: Record<string, string>) => ({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    SIBYL_AAD_TENANT_ID: TENANT,
    SIBYL_SCORER_AUDIENCE: AUDIENCE,
    SIBYL_AAD_JWKS_URI: entra.jwksUri,
    ...extra,
  });

  it('accepts a token of an allowed caller and refuses another principal of the tenant', async () => {
    const authenticate = createScorerAuthenticator(
      parseScorerConfig(env({ SIBYL_SCORER_ALLOWED_CALLERS: 'function-app-oid, other-oid' })),
    );
    expect(await authenticate(`Bearer ${await entra.sign({ oid: 'function-app-oid' })}`)).toBe(true);
    expect(await authenticate(`Bearer ${await entra.sign({ oid: 'someone-else' })}`)).toBe(false);
    expect(await authenticate(`Bearer ${await entra.sign({ oid: undefined })}`)).toBe(false);
  });

  it('refuses to start with an audience but no allowed callers, naming the setting', () => {
    expect(() => parseScorerConfig(env({}))).toThrow(/SIBYL_SCORER_ALLOWED_CALLERS/);
  });
});
