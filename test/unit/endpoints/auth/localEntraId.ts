/**
 * A stand-in for Microsoft Entra ID in tests: a JWKS served over HTTP on 127.0.0.1 from a generated RSA
 * key pair, and a signer for access tokens with Entra's claim shapes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload, KeyLike } from 'jose';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const AUDIENCE = 'api://sibyl-test';
export const V2_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

export interface LocalEntraId {
  jwksUri: string;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  /** Signs an RS256 token with the published key (or `key`/`kid` given), claims merged over good defaults. */
  sign(
    claims?: JWTPayload,
    options?: { now?: Date; lifetimeSeconds?: number; key?: KeyLike; kid?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Starts the JWKS server; `close()` it in `afterAll`. */
export async function startLocalEntraId(): Promise<LocalEntraId> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig' }] });
  let fetches = 0;
  const server = http.createServer((req, res) => {
    fetches += 1;
    res.writeHead(req.url === '/discovery/v2.0/keys' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/discovery/v2.0/keys' ? jwks : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUri: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    fetches: () => fetches,
    async sign(claims = {}, options = {}) {
      const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
      const defaults: JWTPayload = {
        iss: V2_ISSUER,
        aud: AUDIENCE,
        sub: 'subject-1',
        oid: 'object-1',
        tid: TENANT,
        azp: 'app-1',
        iat,
        nbf: iat,
        exp: iat + (options.lifetimeSeconds ?? 3600),
      };
      return new SignJWT({ ...defaults, ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? kid })
        .sign(options.key ?? privateKey);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
