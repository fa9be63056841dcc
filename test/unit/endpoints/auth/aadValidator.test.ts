import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import type { AadValidator } from '../../../../shared/endpoints/auth/aadValidator';
import { createAadValidator, tenantIssuers, toAadSettings } from '../../../../shared/endpoints/auth/aadValidator';
import type { LocalEntraId } from './localEntraId';
import { AUDIENCE, startLocalEntraId, TENANT } from './localEntraId';

const NOW = new Date('2026-01-01T12:00:00Z');
const later = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
const unsigned = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createAadValidator', () => {
  let entra: LocalEntraId;
  let validate: AadValidator;

  beforeAll(async () => {
    entra = await startLocalEntraId();
    validate = createAadValidator({ tenantId: TENANT, audience: AUDIENCE, jwksUri: entra.jwksUri });
  });
  afterAll(() => entra.close());

  it('accepts a good v2.0 token and returns the principal', async () => {
    const result = await validate(await entra.sign({}, { now: NOW }), later(5));
    expect(result).toEqual({
      ok: true,
      subject: 'subject-1',
      objectId: 'object-1',
      appId: 'app-1',
      tenantId: TENANT,
      roles: [],
    });
  });

  it('accepts the v1 issuer form and reads appid', async () => {
    const token = await entra.sign(
      { iss: `https://sts.windows.net/${TENANT}/`, appid: 'app-v1', azp: undefined },
      { now: NOW },
    );
    expect(await validate(token, later(5))).toMatchObject({ ok: true, appId: 'app-v1' });
  });

  it('caches the key set: one fetch for many tokens', async () => {
    const before = entra.fetches();
    for (let i = 0; i < 3; i += 1)
      expect(await validate(await entra.sign({}, { now: NOW }), later(5))).toMatchObject({ ok: true });
    expect(entra.fetches()).toBe(before);
    expect(before).toBe(1);
  });

  it('refuses a wrong audience, a wrong issuer, another tenant', async () => {
    expect(await validate(await entra.sign({ aud: 'api://someone-else' }, { now: NOW }), later(5))).toMatchObject({
      ok: false,
      reason: 'wrong_audience',
    });
    expect(
      await validate(await entra.sign({ iss: 'https://evil.example/v2.0' }, { now: NOW }), later(5)),
    ).toMatchObject({ ok: false, reason: 'wrong_issuer' });
    const otherTenant = tenantIssuers('99999999-0000-0000-0000-000000000000')[0];
    expect(await validate(await entra.sign({ iss: otherTenant }, { now: NOW }), later(5))).toMatchObject({
      ok: false,
      reason: 'wrong_issuer',
    });
  });

  it('refuses expired and not-yet-valid tokens, with a small clock tolerance', async () => {
    const token = await entra.sign({}, { now: NOW, lifetimeSeconds: 600 });
    expect(await validate(token, later(600 + 30))).toMatchObject({ ok: true });
    expect(await validate(token, later(600 + 61))).toMatchObject({ ok: false, reason: 'expired' });
    const future = await entra.sign({}, { now: later(3600) });
    expect(await validate(future, NOW)).toMatchObject({ ok: false, reason: 'not_yet_valid' });
  });

  it('refuses a token signed by another key, under an unknown kid or under the published kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect(
      await validate(await entra.sign({}, { now: NOW, key: privateKey, kid: 'attacker-key' }), later(5)),
    ).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(await validate(await entra.sign({}, { now: NOW, key: privateKey }), later(5))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it("refuses alg 'none' and symmetric algorithms", async () => {
    const claims = { iss: tenantIssuers(TENANT)[0], aud: AUDIENCE, sub: 's', exp: NOW.getTime() / 1000 + 600 };
    const none = `${unsigned({ alg: 'none', typ: 'JWT' })}.${unsigned(claims)}.`;
    expect(await validate(none, later(5))).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await validate(hs, later(5))).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
  });

  it('refuses garbage as malformed, and a forged signature as bad', async () => {
    for (const garbage of ['', 'nonsense', 'a.b.c', `${unsigned({ alg: 'RS256' })}`]) {
      expect(await validate(garbage, later(5))).toMatchObject({ ok: false, reason: 'malformed' });
    }
    const forged = `${unsigned({ alg: 'RS256', kid: 'test-key-1' })}.${unsigned({ aud: AUDIENCE })}.AAAA`;
    expect(await validate(forged, later(5))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('reports keys_unavailable when the JWKS endpoint cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createAadValidator({
      tenantId: TENANT,
      audience: AUDIENCE,
      jwksUri: `http://127.0.0.1:${port}/keys`,
    });
    expect(await unreachable(await entra.sign({}, { now: NOW }), later(5))).toMatchObject({
      ok: false,
      reason: 'keys_unavailable',
    });
    const notFound = createAadValidator({
      tenantId: TENANT,
      audience: AUDIENCE,
      jwksUri: entra.jwksUri.replace('/keys', '/missing'),
    });
    expect(await notFound(await entra.sign({}, { now: NOW }), later(5))).toMatchObject({
      ok: false,
      reason: 'keys_unavailable',
    });
  });
});

describe('toAadSettings', () => {
  it('builds settings with comma-separated audiences and optional overrides', () => {
    expect(toAadSettings({ tenantId: TENANT, audience: 'api://a, b', jwksUri: undefined, issuer: undefined })).toEqual({
      tenantId: TENANT,
      audience: ['api://a', 'b'],
    });
    expect(
      toAadSettings({ tenantId: TENANT, audience: 'a', jwksUri: 'http://x/keys', issuer: 'https://i' }),
    ).toMatchObject({ jwksUri: 'http://x/keys', issuer: 'https://i' });
  });

  it('names every missing setting', () => {
    expect(toAadSettings({ tenantId: undefined, audience: ' ', jwksUri: undefined, issuer: undefined })).toBe(
      'Microsoft Entra ID authentication is not configured: set SIBYL_AAD_TENANT_ID and SIBYL_AAD_AUDIENCE.',
    );
  });
});
