import { CompactSign, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { issueToken, tokenAudience, verifyToken } from '../../../../shared/endpoints/auth/endpointTokens';

const KEY = 's'.repeat(48);
const ISSUED = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(ISSUED.getTime() + seconds * 1000);

function swapPart(token: string, index: number, replace: (part: string) => string): string {
  return token
    .split('.')
    .map((part, i) => (i === index ? replace(part) : part))
    .join('.');
}

describe('endpoint tokens', () => {
  it('issues an HS256 JWT bound to the endpoint, valid one hour, refresh after 30 minutes', async () => {
    const token = await issueToken('iris', KEY, ISSUED, { subject: 'key:primary' });
    const t0 = ISSUED.getTime() / 1000;
    expect(token).toMatchObject({ tokenType: 'Bearer', expiryTimeUtc: t0 + 3600, refreshAfterTimeUtc: t0 + 1800 });
    expect(decodeProtectedHeader(token.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token.accessToken);
    expect(claims).toMatchObject({
      iss: 'sibyl',
      aud: tokenAudience('iris'),
      iat: t0,
      exp: t0 + 3600,
      sub: 'key:primary',
    });
    expect(claims.jti).toEqual(expect.any(String));
    expect(decodeJwt((await issueToken('iris', KEY, ISSUED)).accessToken).jti).not.toBe(claims.jti);
  });

  it('accepts a valid token until it expires', async () => {
    const { accessToken } = await issueToken('iris', KEY, ISSUED, { subject: 'key:primary' });
    const result = await verifyToken(accessToken, 'iris', KEY, at(3599));
    expect(result).toMatchObject({ ok: true, subject: 'key:primary', expiresAt: at(3600) });
    expect(await verifyToken(accessToken, 'iris', KEY, at(3600))).toMatchObject({ ok: false, reason: 'expired' });
    expect(await verifyToken(accessToken, 'iris', KEY, at(7200))).toMatchObject({
      ok: false,
      reason: 'expired',
      message: expect.stringMatching(/expired/),
    });
  });

  it("refuses endpoint A's token on endpoint B", async () => {
    const { accessToken } = await issueToken('endpoint-a', KEY, ISSUED);
    const result = await verifyToken(accessToken, 'endpoint-b', KEY, at(10));
    expect(result).toMatchObject({
      ok: false,
      reason: 'wrong_audience',
      message: expect.stringContaining("'endpoint-b'"),
    });
  });

  it('refuses a tampered payload, a tampered signature and another signing key', async () => {
    const { accessToken } = await issueToken('endpoint-a', KEY, ISSUED);
    const payload = { ...decodeJwt(accessToken), aud: tokenAudience('endpoint-b'), exp: 9_999_999_999 };
    const forgedPayload = swapPart(accessToken, 1, () => Buffer.from(JSON.stringify(payload)).toString('base64url'));
    expect(await verifyToken(forgedPayload, 'endpoint-b', KEY, at(10))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    const forgedSignature = swapPart(accessToken, 2, (sig) => `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect(await verifyToken(forgedSignature, 'endpoint-a', KEY, at(10))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(await verifyToken(accessToken, 'endpoint-a', 'o'.repeat(48), at(10))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses tokens from another issuer, other algorithms and tokens without required claims', async () => {
    const secret = new TextEncoder().encode(KEY);
    const base = () =>
      new SignJWT({})
        .setAudience(tokenAudience('iris'))
        .setIssuedAt(ISSUED.getTime() / 1000)
        .setJti('j')
        .setExpirationTime(at(60).getTime() / 1000);
    const signed = (alg: string, issuer: string) => base().setProtectedHeader({ alg }).setIssuer(issuer).sign(secret);
    const verify = (token: string) => verifyToken(token, 'iris', KEY, at(1));
    expect(await verify(await signed('HS256', 'someone-else'))).toMatchObject({ reason: 'wrong_issuer' });
    expect(await verify(await signed('HS512', 'sibyl'))).toMatchObject({ reason: 'unsupported_algorithm' });
    const noJti = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('sibyl')
      .setAudience(tokenAudience('iris'))
      .setIssuedAt(ISSUED.getTime() / 1000)
      .setExpirationTime(at(60).getTime() / 1000)
      .sign(secret);
    expect(await verify(noJti)).toMatchObject({ reason: 'missing_claim' });
  });

  it('refuses garbage as malformed, without echoing it', async () => {
    // A correctly signed JWS whose payload is not a JSON claims set.
    const notJson = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(KEY));
    for (const garbage of ['', 'garbage', 'a.b.c', 'x'.repeat(5000), notJson]) {
      const result = await verifyToken(garbage, 'iris', KEY, at(1));
      expect(result).toMatchObject({ ok: false, reason: 'malformed' });
      if (!result.ok && garbage) expect(result.message).not.toContain(garbage);
    }
  });

  it('requires a signing key of at least 32 characters', async () => {
    await expect(issueToken('iris', 'short', ISSUED)).rejects.toMatchObject({
      code: 'InternalError',
      message: expect.stringMatching(/SIBYL_TOKEN_SIGNING_KEY/),
    });
    await expect(verifyToken('a.b.c', 'iris', '', ISSUED)).rejects.toMatchObject({ code: 'InternalError' });
  });
});
