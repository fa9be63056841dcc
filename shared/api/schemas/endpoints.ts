/**
 * Real-time endpoints: auth mode, traffic split and mirrored traffic over their deployments.
 * The sum rules (traffic adds up to 100) are checked by the endpoint service, not here.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeploymentName, EndpointName, Timestamp, closedObject, listOf, namedRecord, stringEnum } from './common';
import { Deployment } from './deployments';

/** How data-plane callers authenticate. */
export const AuthMode = stringEnum(['key', 'token', 'aad'] as const, {
  description:
    '`key`: Bearer primary/secondary key; `token`: Bearer token from `POST …/token` (1 hour); ' +
    '`aad`: Bearer Microsoft Entra ID access token.',
});
export type AuthMode = Static<typeof AuthMode>;

const percent = Type.Integer({ minimum: 0, maximum: 100, description: 'A whole percentage, 0–100.' });

/** Deployment → percent of live traffic; must add up to 100 (or be empty with a single deployment). */
export const Traffic = namedRecord(DeploymentName, percent, {
  description:
    'Deployment → whole percent of live traffic; the percentages must add up to 100 (or be empty with one deployment).',
  examples: [{ blue: 90, green: 10 }],
});
export type Traffic = Static<typeof Traffic>;

/** Deployment → percent of live traffic copied to it; mirrored answers never reach clients. */
export const MirrorTraffic = namedRecord(DeploymentName, percent, {
  description: 'Deployment → whole percent of live traffic copied (shadowed) to it; its answers are discarded.',
  examples: [{ green: 20 }],
});

const AllowedPrincipals = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
  maxItems: 256,
  description:
    '`aad` endpoints only: Microsoft Entra object ids (`oid`) allowed to call. Others get 403. ' +
    'Empty or absent: any caller with a valid token (unless `allowedRoles` is set).',
  examples: [['00000000-0000-0000-0000-000000000001']],
});
const AllowedRoles = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
  maxItems: 64,
  description:
    "`aad` endpoints only: app roles (the token's `roles` claim), any one of which allows a call. Others get 403.",
  examples: [['Scoring.Invoke']],
});

/** `PUT api/endpoints/{name}`. */
export const EndpointSpec = closedObject(
  'EndpointSpec',
  {
    authMode: AuthMode,
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    traffic: Type.Optional(Traffic),
    mirrorTraffic: Type.Optional(MirrorTraffic),
    allowedPrincipals: Type.Optional(AllowedPrincipals),
    allowedRoles: Type.Optional(AllowedRoles),
  },
  {
    description: 'Creates (201) or updates (200) an endpoint.',
    examples: [
      { authMode: 'key' },
      {
        authMode: 'token',
        description: 'Iris classifier',
        traffic: { blue: 90, green: 10 },
        mirrorTraffic: { shadow: 10 },
      },
    ],
  },
);
export type EndpointSpec = Static<typeof EndpointSpec>;

/** An endpoint as answered: its URIs, traffic and deployments. */
export const Endpoint = Type.Object(
  {
    name: EndpointName,
    authMode: AuthMode,
    description: Type.Optional(Type.String()),
    traffic: Traffic,
    mirrorTraffic: Type.Optional(MirrorTraffic),
    allowedPrincipals: Type.Optional(AllowedPrincipals),
    allowedRoles: Type.Optional(AllowedRoles),
    scoringUri: Type.String({
      format: 'uri',
      description: 'Azure ML style scoring URI (`…/api/endpoints/{name}/score`).',
    }),
    openInferenceUri: Type.String({
      format: 'uri',
      description: 'Open Inference Protocol base URI (`…/api/v2/models/{name}`).',
    }),
    deployments: Type.Array(Deployment),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'Endpoint',
    description: 'A real-time endpoint.',
    examples: [
      {
        name: 'iris',
        authMode: 'key',
        traffic: { blue: 100 },
        scoringUri: 'http://localhost:7071/api/endpoints/iris/score',
        openInferenceUri: 'http://localhost:7071/api/v2/models/iris',
        deployments: [{ name: 'blue', endpoint: 'iris', model: 'iris:1', environment: 'ort-cpu@1' }],
      },
    ],
  },
);
export type Endpoint = Static<typeof Endpoint>;

export const EndpointList = listOf(Endpoint, 'EndpointList');
export type EndpointList = Static<typeof EndpointList>;

export const EndpointParams = Type.Object({ name: EndpointName });
