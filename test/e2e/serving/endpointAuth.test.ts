/**
 * Endpoints end to end: create/update/read/delete, and every data-plane auth mode — `key` (with
 * regeneration), `token` (expired, tampered, wrong-endpoint and foreign-key tokens, minted here with
 * the signing key this host was started with) and `aad` (a local JWKS stands in for Entra ID).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { mlpModel, MLP_SIZES } from '../../../scripts/onnx/mlpModel';
import { TENANT, V2_ISSUER, type LocalEntraId } from '../../unit/endpoints/auth/localEntraId';
import { expectError, expectOipError, uniqueSuffix, type Answer, type ServingClient } from './support/servingClient';
import { servingHost } from './support/servingHost';

const RUN = uniqueSuffix();
const SIGNING_KEY = randomBytes(32).toString('base64url');
const MODEL = `authmlp-${RUN}`;
const ROW = { data: [Array.from({ length: 16 }, (_, i) => i / 16)] };

/** A Sibyl endpoint token as the server would issue it, with claims overridable. */
async function mintToken(
  endpoint: string,
  options: {
    key?: string;
    issuedAt?: number;
    lifetime?: number;
    audience?: string;
    issuer?: string;
    generation?: string;
  } = {},
): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT(options.generation ? { gen: options.generation } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'sibyl')
    .setAudience(options.audience ?? `sibyl:endpoint:${endpoint}`)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetime ?? 3600))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(options.key ?? SIGNING_KEY));
}

/** A 401 with the Bearer challenge, in Sibyl's error body. */
function expectUnauthorized(answer: Answer): string {
  const message = expectError(answer, 401, 'Unauthorized');
  expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="sibyl"/);
  return message;
}

describe('endpoints and data-plane auth (emulator over HTTP)', () => {
  let sibyl: ServingClient;
  let entra: LocalEntraId;
  servingHost(
    async (client, localEntra) => {
      [sibyl, entra] = [client, localEntra!];
      expect((await sibyl.registerModel(MODEL, mlpModel({ ...MLP_SIZES.tiny, seed: 3 }))).status).toBe(201);
    },
    { entra: true, env: { SIBYL_TOKEN_SIGNING_KEY: SIGNING_KEY } },
  );

  /** Creates an endpoint in `authMode` with one deployment `blue`. */
  async function endpointWith(name: string, authMode: 'key' | 'token' | 'aad'): Promise<void> {
    expect((await sibyl.putEndpoint(name, { authMode })).status).toBe(201);
    expect((await sibyl.putDeployment(name, 'blue', { model: `${MODEL}@latest` })).status).toBe(201);
  }

  describe('endpoint lifecycle', () => {
    const name = `life-${RUN}`;

    it('creates (201), updates (200), reads, lists and deletes (204, then 404) an endpoint', async () => {
      const created = await sibyl.putEndpoint(name, { authMode: 'key', description: 'first' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name,
        authMode: 'key',
        description: 'first',
        traffic: {},
        mirrorTraffic: {},
        deployments: [],
        scoringUri: `${sibyl.host.baseUrl}/api/endpoints/${name}/score`,
        openInferenceUri: `${sibyl.host.baseUrl}/api/v2/models/${name}`,
      });
      expect(created.body).not.toHaveProperty('keys');
      const updated = await sibyl.putEndpoint(name, { authMode: 'key', description: 'second' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name, description: 'second', createdAt: created.body.createdAt });

      const got = await sibyl.call('GET', `api/endpoints/${name}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ name, description: 'second', authMode: 'key' });
      const list = await sibyl.call('GET', 'api/endpoints');
      expect(list.status).toBe(200);
      expect(list.body.value).toEqual(
        expect.arrayContaining([expect.objectContaining({ name, description: 'second' })]),
      );
      expect(JSON.stringify(list.body)).not.toMatch(/primaryKey|secondaryKey|sealed/);

      expect((await sibyl.call('DELETE', `api/endpoints/${name}`)).status).toBe(204);
      expectError(await sibyl.call('GET', `api/endpoints/${name}`), 404, 'EndpointNotFound');
      expectError(await sibyl.call('DELETE', `api/endpoints/${name}`), 404, 'EndpointNotFound');
      expectError(await sibyl.call('GET', `api/endpoints/${name}/keys`), 404, 'EndpointNotFound');
      expect((await sibyl.call('GET', 'api/endpoints')).body.value.map((e: { name: string }) => e.name)).not.toContain(
        name,
      );
    });

    it('refuses bad names, bad specs and calls without the function key', async () => {
      expectError(await sibyl.putEndpoint('x', { authMode: 'key' }), 400, 'InvalidInput');
      expectError(await sibyl.putEndpoint(`bad_${RUN}`, { authMode: 'key' }), 400, 'InvalidInput');
      expectError(await sibyl.putEndpoint(`spec-${RUN}`, { authMode: 'password' }), 400, 'InvalidInput');
      expectError(await sibyl.putEndpoint(`spec-${RUN}`, { authMode: 'key', surprise: true }), 400, 'InvalidInput');
      expectError(
        await sibyl.putEndpoint(`spec-${RUN}`, { authMode: 'key', traffic: { ghost: 100 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/endpoints/spec-${RUN}`, {
          body: '{"authMode":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
      );
      expectError(await sibyl.call('PUT', `api/endpoints/spec-${RUN}`, { body: '' }), 400);
      expectError(await sibyl.call('GET', `api/endpoints/spec-${RUN}`), 404, 'EndpointNotFound');
      expect(
        (await sibyl.call('PUT', `api/endpoints/spec-${RUN}`, { anonymous: true, body: { authMode: 'key' } })).status,
      ).toBe(401);
      expect(
        (await sibyl.call('GET', 'api/endpoints', { headers: { 'x-functions-key': 'not-the-key' }, anonymous: true }))
          .status,
      ).toBe(401);
    });
  });

  describe('key mode', () => {
    const name = `keys-${RUN}`;

    beforeAll(async () => {
      await endpointWith(name, 'key');
    });

    it('scores with either key and answers 401 with a Bearer challenge otherwise', async () => {
      const keys = await sibyl.keys(name);
      expect(keys.primaryKey).not.toBe(keys.secondaryKey);
      // 32 random bytes or more.
      expect(Buffer.from(keys.primaryKey, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect((await sibyl.score(name, ROW, keys.primaryKey)).status).toBe(200);
      expect((await sibyl.score(name, ROW, keys.secondaryKey)).status).toBe(200);

      expectUnauthorized(await sibyl.score(name, ROW, undefined));
      expectUnauthorized(await sibyl.score(name, ROW, `${keys.primaryKey}x`));
      expectUnauthorized(await sibyl.score(name, ROW, randomBytes(32).toString('base64url')));
      expectUnauthorized(await sibyl.score(name, ROW, undefined, { authorization: `Basic ${keys.primaryKey}` }));
      // The control-plane key is not a data-plane credential.
      expectUnauthorized(await sibyl.score(name, ROW, undefined, { 'x-functions-key': sibyl.host.functionKey }));
      expectUnauthorized(await sibyl.score(name, ROW, sibyl.host.functionKey));
      // Messages never echo the credential.
      const message = expectUnauthorized(await sibyl.score(name, ROW, 'definitely-wrong-credential'));
      expect(message).not.toContain('definitely-wrong-credential');
    });

    it('regenerates one key at a time; the old one fails at once, the other keeps working', async () => {
      const before = await sibyl.keys(name);
      const regenerated = await sibyl.call('POST', `api/endpoints/${name}/keys/regenerate`, {
        body: { keyType: 'primary' },
      });
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.primaryKey).not.toBe(before.primaryKey);
      expect(regenerated.body.secondaryKey).toBe(before.secondaryKey);
      expect(await sibyl.keys(name)).toEqual(regenerated.body);
      expectUnauthorized(await sibyl.score(name, ROW, before.primaryKey));
      expect((await sibyl.score(name, ROW, before.secondaryKey)).status).toBe(200);
      expect((await sibyl.score(name, ROW, regenerated.body.primaryKey)).status).toBe(200);

      const second = await sibyl.call('POST', `api/endpoints/${name}/keys/regenerate`, {
        body: { keyType: 'secondary' },
      });
      expect(second.body.primaryKey).toBe(regenerated.body.primaryKey);
      expectUnauthorized(await sibyl.score(name, ROW, before.secondaryKey));
      expect((await sibyl.score(name, ROW, second.body.secondaryKey)).status).toBe(200);

      expectError(
        await sibyl.call('POST', `api/endpoints/${name}/keys/regenerate`, { body: { keyType: 'tertiary' } }),
        400,
        'InvalidInput',
      );
      expectError(await sibyl.call('POST', `api/endpoints/${name}/keys/regenerate`, { body: {} }), 400, 'InvalidInput');
      expectError(
        await sibyl.call('POST', `api/endpoints/nokeys-${RUN}/keys/regenerate`, { body: { keyType: 'primary' } }),
        404,
        'EndpointNotFound',
      );
    });

    it('guards the Open Inference Protocol routes the same way, with OIP error bodies', async () => {
      const keys = await sibyl.keys(name);
      expect((await sibyl.dataGet(`api/v2/models/${name}`, keys.primaryKey)).status).toBe(200);
      const refused = await sibyl.dataGet(`api/v2/models/${name}`, 'nope');
      expectOipError(refused, 401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectOipError(await sibyl.infer(name, { inputs: [] }, 'nope'), 401);
      expectOipError(await sibyl.dataGet(`api/v2/models/${name}/ready`, 'nope'), 401);
    });
  });

  describe('token mode', () => {
    const name = `tok-${RUN}`;
    const other = `tok2-${RUN}`;

    beforeAll(async () => {
      await endpointWith(name, 'token');
      await endpointWith(other, 'token');
    });

    it('issues a one-hour token for a key or the function key, and the token scores', async () => {
      const keys = await sibyl.keys(name);
      // Bracketed by the clock before and after the call, so a slow answer cannot push it out of range.
      const before = Math.floor(Date.now() / 1000);
      const issued = await sibyl.call('POST', `api/endpoints/${name}/token`, {
        anonymous: true,
        headers: { authorization: `Bearer ${keys.primaryKey}` },
      });
      const after = Math.ceil(Date.now() / 1000);
      expect(issued.status).toBe(200);
      expect(issued.body).toMatchObject({
        tokenType: 'Bearer',
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      });
      expect(issued.body.expiryTimeUtc).toBeGreaterThanOrEqual(before + 3600);
      expect(issued.body.expiryTimeUtc).toBeLessThanOrEqual(after + 3600);
      expect(issued.body.refreshAfterTimeUtc).toBeGreaterThan(before);
      expect(issued.body.refreshAfterTimeUtc).toBeLessThan(issued.body.expiryTimeUtc);
      expect((await sibyl.score(name, ROW, issued.body.accessToken)).status).toBe(200);

      const byFunctionKey = await sibyl.call('POST', `api/endpoints/${name}/token`);
      expect(byFunctionKey.status).toBe(200);
      expect((await sibyl.score(name, ROW, byFunctionKey.body.accessToken)).status).toBe(200);
      // A still-valid token refreshes itself.
      const refreshed = await sibyl.call('POST', `api/endpoints/${name}/token`, {
        anonymous: true,
        headers: { authorization: `Bearer ${issued.body.accessToken}` },
      });
      expect(refreshed.status).toBe(200);
      expect((await sibyl.score(name, ROW, refreshed.body.accessToken)).status).toBe(200);

      expectUnauthorized(await sibyl.call('POST', `api/endpoints/${name}/token`, { anonymous: true }));
      expectUnauthorized(
        await sibyl.call('POST', `api/endpoints/${name}/token`, {
          anonymous: true,
          headers: { authorization: 'Bearer wrong' },
        }),
      );
      // In token mode the keys only obtain tokens; they do not score.
      expectUnauthorized(await sibyl.score(name, ROW, keys.primaryKey));
    });

    it('accepts a token minted with the signing key, and refuses expired, tampered, foreign-key and wrong-endpoint tokens', async () => {
      // Tokens carry the endpoint's generation (`gen`): read it from one the server issued.
      const issued = await sibyl.call('POST', `api/endpoints/${name}/token`);
      const generation = String(decodeJwt(issued.body.accessToken as string).gen);
      expect((await sibyl.score(name, ROW, await mintToken(name, { generation }))).status).toBe(200);
      expect(expectUnauthorized(await sibyl.score(name, ROW, await mintToken(name)))).toMatch(/earlier version/);

      const expired = await mintToken(name, { issuedAt: Math.floor(Date.now() / 1000) - 7200 });
      expect(expectUnauthorized(await sibyl.score(name, ROW, expired))).toMatch(/expired/i);
      expect((await sibyl.score(name, ROW, expired)).headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

      const good = await mintToken(name);
      const [header, payload, signature] = good.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url');
      expectUnauthorized(await sibyl.score(name, ROW, `${header}.${forgedPayload}.${signature}`));
      const flipped = signature.slice(0, -2) + (signature.slice(-2) === 'AA' ? 'BB' : 'AA');
      expectUnauthorized(await sibyl.score(name, ROW, `${header}.${payload}.${flipped}`));
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      expectUnauthorized(await sibyl.score(name, ROW, none));

      expectUnauthorized(
        await sibyl.score(name, ROW, await mintToken(name, { key: randomBytes(32).toString('base64url') })),
      );
      expectUnauthorized(await sibyl.score(name, ROW, await mintToken(name, { issuer: 'someone-else' })));

      // A token of one endpoint does not open another.
      const forOther = await sibyl.call('POST', `api/endpoints/${other}/token`);
      expect((await sibyl.score(other, ROW, forOther.body.accessToken)).status).toBe(200);
      expect(expectUnauthorized(await sibyl.score(name, ROW, forOther.body.accessToken))).toMatch(/another endpoint/);
      expectUnauthorized(await sibyl.score(name, ROW, await mintToken(other)));
    });
  });

  describe('aad mode', () => {
    const name = `aad-${RUN}`;

    beforeAll(async () => {
      await endpointWith(name, 'aad');
    });

    it('accepts an Entra ID token for the audience and refuses wrong audience, issuer, key and expired ones', async () => {
      expect((await sibyl.score(name, ROW, await entra.sign())).status).toBe(200);
      expect(
        (await sibyl.score(name, ROW, await entra.sign({ iss: `https://sts.windows.net/${TENANT}/` }))).status,
      ).toBe(200);

      expectUnauthorized(await sibyl.score(name, ROW, await entra.sign({ aud: 'api://someone-else' })));
      expectUnauthorized(
        await sibyl.score(
          name,
          ROW,
          await entra.sign({ iss: 'https://login.microsoftonline.com/another-tenant/v2.0' }),
        ),
      );
      const past = new Date(Date.now() - 3 * 3600 * 1000);
      expect(
        expectUnauthorized(await sibyl.score(name, ROW, await entra.sign({}, { now: past, lifetimeSeconds: 3600 }))),
      ).toMatch(/expired/i);
      const { privateKey } = await generateKeyPair('RS256');
      expectUnauthorized(await sibyl.score(name, ROW, await entra.sign({}, { key: privateKey })));
      expectUnauthorized(await sibyl.score(name, ROW, await entra.sign({}, { key: privateKey, kid: 'unknown-kid' })));
      // A Sibyl token or a key is not an Entra token.
      expectUnauthorized(await sibyl.score(name, ROW, await mintToken(name)));
      expectUnauthorized(await sibyl.score(name, ROW, (await sibyl.keys(name)).primaryKey));
      expect(V2_ISSUER).toContain(TENANT);
    });

    it('issues no Sibyl tokens for an aad endpoint', async () => {
      expectError(await sibyl.call('POST', `api/endpoints/${name}/token`), 400, 'InvalidInput');
    });
  });
});
