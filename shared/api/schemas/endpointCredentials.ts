/** Data-plane credentials of an endpoint: its two keys, key regeneration and short-lived tokens. */
import { Type, type Static } from '@sinclair/typebox';
import { closedObject, stringEnum } from './common';

/** `GET api/endpoints/{name}/keys` (and the answer of a regeneration). */
export const EndpointKeys = Type.Object(
  {
    primaryKey: Type.String({ description: 'Send as `Authorization: Bearer <key>` when `authMode` is `key`.' }),
    secondaryKey: Type.String({ description: 'The second key, so one can be rotated while the other serves.' }),
  },
  {
    title: 'EndpointKeys',
    description: "The endpoint's two keys.",
    examples: [{ primaryKey: 'k1…', secondaryKey: 'k2…' }],
  },
);
export type EndpointKeys = Static<typeof EndpointKeys>;

/** `POST api/endpoints/{name}/keys/regenerate`. */
export const RegenerateKeysRequest = closedObject(
  'RegenerateKeysRequest',
  {
    keyType: stringEnum(['primary', 'secondary'] as const, {
      description: 'Which key to replace; the old one stops working at once.',
    }),
  },
  {
    description: 'Replaces one key.',
    examples: [{ keyType: 'secondary' }],
  },
);
export type RegenerateKeysRequest = Static<typeof RegenerateKeysRequest>;

/** `POST api/endpoints/{name}/token`: an Azure ML style access token (times are Unix seconds, as in Azure ML). */
export const EndpointToken = Type.Object(
  {
    accessToken: Type.String({
      description: 'Send as `Authorization: Bearer <accessToken>` when `authMode` is `token`.',
    }),
    tokenType: Type.Literal('Bearer'),
    expiryTimeUtc: Type.Integer({
      description: 'When the token stops working, in seconds since the Unix epoch (UTC); one hour after issue.',
    }),
    refreshAfterTimeUtc: Type.Integer({
      description: 'When a client should fetch a new token, in seconds since the Unix epoch (UTC).',
    }),
  },
  {
    title: 'EndpointToken',
    description: 'A short-lived data-plane token.',
    examples: [
      { accessToken: 'eyJhbGciOi…', tokenType: 'Bearer', expiryTimeUtc: 1717246800, refreshAfterTimeUtc: 1717245000 },
    ],
  },
);
export type EndpointToken = Static<typeof EndpointToken>;
