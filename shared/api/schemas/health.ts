/** Health answers (anonymous): liveness and readiness (Blob storage and Cosmos DB answer). */
import { Type, type Static } from '@sinclair/typebox';

export const Liveness = Type.Object(
  { live: Type.Boolean() },
  { title: 'Liveness', description: 'The process is up.', examples: [{ live: true }] },
);
export type Liveness = Static<typeof Liveness>;

const Check = Type.Object(
  { ok: Type.Boolean(), ms: Type.Number({ minimum: 0 }), error: Type.Optional(Type.String()) },
  { title: 'HealthCheck', description: 'One dependency check.' },
);

export const Readiness = Type.Object(
  {
    ready: Type.Boolean(),
    checks: Type.Optional(Type.Object({ settings: Type.Optional(Check), storage: Check, cosmos: Check })),
  },
  {
    title: 'Readiness',
    description:
      'Whether Sibyl can serve: its settings are valid (`settings.error` names each bad one) ' +
      'and Blob storage and Cosmos DB both answer (503 otherwise).',
    examples: [{ ready: true, checks: { storage: { ok: true, ms: 3 }, cosmos: { ok: true, ms: 5 } } }],
  },
);
export type Readiness = Static<typeof Readiness>;
