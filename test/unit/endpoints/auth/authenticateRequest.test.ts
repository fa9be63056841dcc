import type { AuthValidators, EndpointAuthInfo } from '../../../../shared/endpoints/auth/authenticateRequest';
import {
  authenticateRequest,
  authenticateTokenRequest,
  describePrincipal,
} from '../../../../shared/endpoints/auth/authenticateRequest';
import { createAadValidator } from '../../../../shared/endpoints/auth/aadValidator';
import { generateEndpointKeys, regenerateKey } from '../../../../shared/endpoints/auth/endpointKeys';
import { issueToken } from '../../../../shared/endpoints/auth/endpointTokens';
import type { LocalEntraId } from './localEntraId';
import { AUDIENCE, startLocalEntraId, TENANT } from './localEntraId';
import { refusal } from '../../../support/refusal';

const KEK = 'k'.repeat(40);
const SIGNING_KEY = 's'.repeat(48);
const NOW = new Date('2026-01-01T00:00:00Z');
const later = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
const { keys, stored } = generateEndpointKeys('iris', KEK);
const endpoint = (authMode: EndpointAuthInfo['authMode'], name = 'iris'): EndpointAuthInfo => ({
  name,
  authMode,
  keys: stored,
});

/** Asserts a 401 with a Bearer challenge, and that neither the message nor the challenge holds `secret`. */
async function expect401(
  promise: Promise<unknown>,
  secret: string | undefined,
  invalidToken: boolean,
  message: RegExp,
): Promise<void> {
  const error = await refusal(promise);
  expect({ code: error.code, status: error.status }).toEqual({ code: 'Unauthorized', status: 401 });
  expect(error.message).toMatch(message);
  const challenge = error.headers?.['WWW-Authenticate'] ?? '';
  if (invalidToken)
    expect(challenge).toMatch(/^Bearer realm="sibyl", error="invalid_token", error_description="[^"\\]+"$/);
  else expect(challenge).toBe('Bearer realm="sibyl"');
  if (secret) for (const text of [error.message, challenge]) expect(text).not.toContain(secret);
}

describe('authenticateRequest', () => {
  let entra: LocalEntraId;
  let validators: AuthValidators;
  beforeAll(async () => {
    entra = await startLocalEntraId();
    validators = {
      tokenSigningKey: SIGNING_KEY,
      aad: createAadValidator({ tenantId: TENANT, audience: AUDIENCE, jwksUri: entra.jwksUri }),
      now: later(60),
    };
  });
  afterAll(() => entra.close());

  /** Asserts that `Bearer <credential>` is refused as an invalid token, the message matching and never quoting it. */
  const refusesBearer = (
    info: EndpointAuthInfo,
    credential: string,
    message: RegExp,
    { authenticate = authenticateRequest, now = validators.now } = {},
  ) => expect401(authenticate(info, `Bearer ${credential}`, { ...validators, now }), credential, true, message);

  describe.each(['key', 'token', 'aad'] as const)('any mode (%s): header problems', (mode) => {
    it('refuses a missing header, saying what to send', async () => {
      for (const header of [undefined, null, '', '   '])
        await expect401(
          authenticateRequest(endpoint(mode), header, validators),
          undefined,
          false,
          /Authentication is required: send 'Authorization: Bearer </,
        );
    });

    it('refuses other schemes and bare credentials without quoting them', async () => {
      await expect401(
        authenticateRequest(endpoint(mode), 'Basic dXNlcjpzZWNyZXQ=', validators),
        'dXNlcjpzZWNyZXQ=',
        false,
        /must use the Bearer scheme/,
      );
      await expect401(
        authenticateRequest(endpoint(mode), keys.primaryKey, validators),
        keys.primaryKey,
        false,
        /must use the Bearer scheme/,
      );
      await expect401(
        authenticateRequest(endpoint(mode), 'Bearer', validators),
        undefined,
        false,
        /no credential after 'Bearer'/,
      );
    });

    it('refuses a malformed credential', async () => {
      await expect401(
        authenticateRequest(endpoint(mode), `Bearer ${keys.primaryKey} extra`, validators),
        keys.primaryKey,
        true,
        /malformed/,
      );
      await expect401(
        authenticateRequest(endpoint(mode), `Bearer ${'a'.repeat(20_000)}`, validators),
        'a'.repeat(100),
        true,
        /malformed/,
      );
    });
  });

  describe('key mode', () => {
    it('accepts either key, with any case of the scheme', async () => {
      expect(await authenticateRequest(endpoint('key'), `Bearer ${keys.primaryKey}`, validators)).toEqual({
        kind: 'key',
        keyType: 'primary',
      });
      expect(await authenticateRequest(endpoint('key'), `bearer  ${keys.secondaryKey}`, validators)).toEqual({
        kind: 'key',
        keyType: 'secondary',
      });
    });

    it('refuses a wrong key and a regenerated one', async () => {
      const wrong = generateEndpointKeys('iris', KEK).keys.primaryKey;
      await refusesBearer(endpoint('key'), wrong, /not a current key of endpoint 'iris'/);
      const rotated: EndpointAuthInfo = {
        ...endpoint('key'),
        keys: regenerateKey(stored, 'primary', 'iris', KEK).stored,
      };
      await refusesBearer(rotated, keys.primaryKey, /regenerated/);
      expect(await authenticateRequest(rotated, `Bearer ${keys.secondaryKey}`, validators)).toEqual({
        kind: 'key',
        keyType: 'secondary',
      });
    });

    it('does not take a token in place of a key', async () => {
      const { accessToken } = await issueToken('iris', SIGNING_KEY, NOW);
      await refusesBearer(endpoint('key'), accessToken, /not a current key/);
    });
  });

  describe('token mode', () => {
    it('accepts a valid token of the endpoint', async () => {
      const { accessToken } = await issueToken('iris', SIGNING_KEY, NOW, { subject: 'key:primary' });
      const principal = await authenticateRequest(endpoint('token'), `Bearer ${accessToken}`, validators);
      expect(principal).toMatchObject({ kind: 'token', subject: 'key:primary', expiresAt: later(3600) });
      expect(describePrincipal(principal)).toBe('token:key:primary');
    });

    it('refuses expired, wrong-endpoint, tampered and garbage tokens, and keys', async () => {
      const { accessToken } = await issueToken('iris', SIGNING_KEY, NOW);
      const check = (token: string, message: RegExp) => refusesBearer(endpoint('token'), token, message);
      await refusesBearer(endpoint('token'), accessToken, /expired/, { now: later(3601) });
      await check((await issueToken('other', SIGNING_KEY, NOW)).accessToken, /another endpoint, not 'iris'/);
      const [h, p, s] = accessToken.split('.') as [string, string, string];
      const forged = { aud: 'sibyl:endpoint:iris', iss: 'sibyl', exp: 9e9, iat: 1, jti: 'x' };
      await check(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`, /signature is invalid/);
      await check(`${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`, /signature is invalid/);
      await check('not-a-token', /not a well-formed/);
      await check(keys.primaryKey, /not a well-formed/);
    });

    it('keeps quotes out of the challenge even for odd endpoint names', async () => {
      const { accessToken } = await issueToken('a"b', SIGNING_KEY, NOW);
      await refusesBearer(endpoint('token', 'c"d\\e'), accessToken, /another endpoint/);
    });

    it('is a server fault when no signing key is configured', async () => {
      const { accessToken } = await issueToken('iris', SIGNING_KEY, NOW);
      const error = await refusal(authenticateRequest(endpoint('token'), `Bearer ${accessToken}`, { now: later(1) }));
      expect(error).toMatchObject({ code: 'InternalError', message: expect.stringMatching(/SIBYL_TOKEN_SIGNING_KEY/) });
    });
  });

  describe('aad mode', () => {
    it('accepts a good Entra ID token', async () => {
      const principal = await authenticateRequest(
        endpoint('aad'),
        `Bearer ${await entra.sign({}, { now: NOW })}`,
        validators,
      );
      expect(principal).toEqual({
        kind: 'aad',
        subject: 'subject-1',
        objectId: 'object-1',
        appId: 'app-1',
        tenantId: TENANT,
        roles: [],
      });
      expect(describePrincipal(principal)).toBe('aad:object-1');
    });

    it('refuses wrong-audience, expired and foreign tokens', async () => {
      const wrongAud = await entra.sign({ aud: 'api://other' }, { now: NOW });
      await refusesBearer(endpoint('aad'), wrongAud, /another audience/);
      const expired = await entra.sign({}, { now: NOW, lifetimeSeconds: 1 });
      await refusesBearer(endpoint('aad'), expired, /expired/, { now: later(3600) });
      const sibylToken = (await issueToken('iris', SIGNING_KEY, NOW)).accessToken;
      await refusesBearer(endpoint('aad'), sibylToken, /algorithm that is not accepted/);
    });

    it('answers 503 when the signing keys cannot be fetched, and 503 when Entra ID is not configured', async () => {
      const down = createAadValidator({
        tenantId: TENANT,
        audience: AUDIENCE,
        jwksUri: entra.jwksUri.replace('/keys', '/gone'),
      });
      const token = await entra.sign({}, { now: NOW });
      const unavailable = await refusal(
        authenticateRequest(endpoint('aad'), `Bearer ${token}`, { ...validators, aad: down }),
      );
      expect(unavailable).toMatchObject({ code: 'ServiceUnavailable', status: 503, headers: { 'Retry-After': '30' } });
      expect(unavailable.message).not.toContain(token);
      const unconfigured = await refusal(authenticateRequest(endpoint('aad'), `Bearer ${token}`, { now: later(1) }));
      expect(unconfigured).toMatchObject({
        code: 'ServiceUnavailable',
        message: expect.stringMatching(/SIBYL_AAD_TENANT_ID/),
      });
    });
  });

  describe('authenticateTokenRequest', () => {
    it('accepts an endpoint key in key and token mode', async () => {
      for (const mode of ['key', 'token'] as const) {
        const principal = await authenticateTokenRequest(endpoint(mode), `Bearer ${keys.secondaryKey}`, validators);
        expect(describePrincipal(principal)).toBe('key:secondary');
      }
    });

    it('accepts a valid token for a refresh in token mode only', async () => {
      const { accessToken } = await issueToken('iris', SIGNING_KEY, NOW, { subject: 'key:primary' });
      expect(await authenticateTokenRequest(endpoint('token'), `Bearer ${accessToken}`, validators)).toMatchObject({
        kind: 'token',
        subject: 'key:primary',
      });
      await refusesBearer(endpoint('token'), accessToken, /expired/, {
        authenticate: authenticateTokenRequest,
        now: later(3601),
      });
      await refusesBearer(endpoint('key'), accessToken, /not a current key of endpoint 'iris'\.$/, {
        authenticate: authenticateTokenRequest,
      });
    });

    it('refuses wrong keys and missing credentials', async () => {
      const wrong = generateEndpointKeys('x', KEK).keys.primaryKey;
      await refusesBearer(endpoint('token'), wrong, /nor a valid token/, { authenticate: authenticateTokenRequest });
      await expect401(
        authenticateTokenRequest(endpoint('token'), undefined, validators),
        undefined,
        false,
        /Authentication is required/,
      );
    });

    it('refuses aad endpoints with a 400 pointing at Entra ID', async () => {
      const error = await refusal(authenticateTokenRequest(endpoint('aad'), `Bearer ${keys.primaryKey}`, validators));
      expect(error).toMatchObject({
        code: 'InvalidInput',
        status: 400,
        message: expect.stringMatching(/Microsoft Entra ID/),
      });
    });
  });
});
