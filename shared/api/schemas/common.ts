/**
 * Building blocks shared by the resource schemas: one name rule per resource kind, references
 * (`name:version`, `name@alias`), tags, timestamps and list envelopes. A schema's `description`
 * doubles as the rule quoted in validation messages, so it is written as a sentence a client can act on.
 * These shapes are wire formats: changing one breaks clients.
 */
import {
  Type,
  type ObjectOptions,
  type SchemaOptions,
  type Static,
  type TProperties,
  type TSchema,
} from '@sinclair/typebox';
import { ALIAS_PATTERN, ASSET_NAME_PATTERN, MODEL_REFERENCE_PATTERN } from '../../portable/modelReference';

/**
 * A string enum as plain JSON Schema (`{"type": "string", "enum": [...]}`), typed as the union of its values.
 *
 * @example
 *   const AuthMode = stringEnum(['key', 'token', 'aad'] as const, { description: 'How clients authenticate.' });
 */
export function stringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * A named object schema that refuses unknown fields, as every request shape is: a misspelt field is a 400 rather
 * than silently ignored. `title` names it in the OpenAPI components and in docs/api.md.
 *
 * @example
 *   const SetAliasRequest = closedObject('SetAliasRequest', { version: VersionNumber }, { description: '…' });
 */
export function closedObject<T extends TProperties>(title: string, properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { title, additionalProperties: false, ...options });
}

/** A string matching `pattern`; `description` is the human rule shown when it does not match. */
function rule(pattern: string, description: string, examples: string[]) {
  return Type.String({ pattern, description, examples });
}

const ASSET = ASSET_NAME_PATTERN;
const ALIAS = ALIAS_PATTERN;
const ENDPOINT = '[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]';

/** Endpoint names follow Azure ML: 3–32 characters, letters, digits and hyphens, starting with a letter. */
export const EndpointName = Type.String({
  pattern: `^${ENDPOINT}$`,
  description:
    'An endpoint name: 3–32 characters (letters, digits, hyphens), starting with a letter and not ending with a hyphen.',
  examples: ['iris'],
});

/** Deployment names follow the same Azure ML rule as endpoint names. */
export const DeploymentName = Type.String({
  pattern: `^${ENDPOINT}$`,
  description:
    'A deployment name: 3–32 characters (letters, digits, hyphens), starting with a letter and not ending with a hyphen.',
  examples: ['blue'],
});

/** Models, environments, pipelines, schedules and experiments share Azure ML's asset name rule. */
export const AssetName = rule(
  `^${ASSET}$`,
  'A name: 1–255 characters (letters, digits, `_`, `.`, `-`), starting with a letter or digit.',
  ['iris'],
);

/**
 * A run or batch job id, as Sibyl makes them (`batch-<uuid>`, `pipeline-<uuid>`, …). Without a space, `/`,
 * a backslash, `#` or `?`, which Cosmos DB refuses in an id: a caller's malformed id is then a 400, not a failed read.
 */
export const RunId = rule(
  '^[^/\\\\#?\\s]{1,255}$',
  'A run id: 1–255 characters, with no space, slash, backslash, `#` or `?`.',
  ['batch-3f2a9c1e-8d4b-4e1a-9b7c-2d5e6f708192'],
);

/** Datastore names follow Azure ML: letters, digits and underscores. */
export const DatastoreName = rule(
  '^[A-Za-z0-9_]{1,255}$',
  'A datastore name: 1–255 characters, letters, digits and underscores only.',
  ['workspaceblobstore'],
);

/** A model alias (`production`, `champion`); `latest` always exists and is maintained by Sibyl. */
export const AliasName = rule(
  `^${ALIAS}$`,
  'An alias: 1–64 characters (letters, digits, `_`, `-`), starting with a letter.',
  ['production'],
);

/** A version number: 1, 2, 3… per name. */
export const VersionNumber = Type.Integer({
  minimum: 1,
  description: 'A version number (1, 2, 3… per name).',
  examples: [1],
});

/** `name:version` or `name@alias` (`name@latest` always exists). */
export const ModelRef = rule(
  MODEL_REFERENCE_PATTERN,
  'A model reference: `name:version` (e.g. `iris:3`) or `name@alias` (e.g. `iris@latest`).',
  ['iris:1', 'iris@latest'],
);

/** `name@version` of an environment. */
export const EnvironmentRef = rule(
  `^${ASSET}@[1-9][0-9]*$`,
  'An environment reference: `name@version`, e.g. `ort-cpu@1`.',
  ['ort-cpu@1'],
);

/** `name:version` of a published pipeline. */
export const PipelineRef = rule(
  `^${ASSET}:[1-9][0-9]*$`,
  'A published pipeline reference: `name:version`, e.g. `nightly:2`.',
  ['nightly:1'],
);

/** `endpoint/deployment`. */
export const DeploymentRef = rule(
  `^${ENDPOINT}/${ENDPOINT}$`,
  'A deployment reference: `endpoint/deployment`, e.g. `iris/blue`.',
  ['iris/blue'],
);

/** Free-form string tags, as in Azure ML (`{"team": "fraud"}`). */
export const Tags = Type.Record(Type.String(), Type.String({ maxLength: 1024 }), {
  propertyNames: { type: 'string', minLength: 1, maxLength: 128, description: 'A tag name: 1–128 characters.' },
  description: 'String tags (name → value).',
  examples: [{ team: 'fraud', stage: 'candidate' }],
});
export type Tags = Static<typeof Tags>;

/** Pipeline and run parameter values. */
export const ParameterValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
  description: 'A parameter value: string, number or boolean.',
});
export const Parameters = Type.Record(Type.String(), ParameterValue, {
  propertyNames: {
    type: 'string',
    pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    description: 'A parameter name: letters, digits and `_`, starting with a letter or `_`.',
  },
  description: 'Named parameter values.',
  examples: [{ inputPath: 'incoming/2024-06-01.csv', threshold: 0.5 }],
});
export type Parameters = Static<typeof Parameters>;

/** An RFC 3339 timestamp in UTC. */
export const Timestamp = Type.String({
  format: 'date-time',
  description: 'RFC 3339 timestamp (UTC).',
  examples: ['2024-06-01T12:00:00.000Z'],
});

/** A blob path, folder or pattern inside a datastore, relative to its prefix: 1–1024 characters. */
export function blobPath(description: string) {
  return Type.String({ minLength: 1, maxLength: 1024, description });
}

/** A place in a datastore: `{datastore, path}` (path relative to the datastore's prefix). */
export const DatastorePath = closedObject(
  'DatastorePath',
  {
    datastore: DatastoreName,
    path: blobPath('A blob path or folder inside the datastore (relative to its prefix).'),
  },
  {
    description: 'A blob path or folder in a datastore.',
    examples: [{ datastore: 'workspaceblobstore', path: 'scoring/input/' }],
  },
);
export type DatastorePath = Static<typeof DatastorePath>;

/** The documented error shape, also embedded in job and run documents. */
export const ErrorInfo = Type.Object(
  {
    code: Type.String({ description: 'A stable error code clients can switch on, e.g. `ModelNotFound`.' }),
    message: Type.String({ description: 'A human sentence: what went wrong and how to fix it.' }),
    details: Type.Optional(
      Type.Array(
        Type.Object({
          target: Type.Optional(
            Type.String({ description: 'What the detail is about: a field path, an input name, a row.' }),
          ),
          message: Type.String(),
        }),
      ),
    ),
  },
  { title: 'ErrorInfo', description: 'An error: stable code, human message, optional details.' },
);
export type ErrorInfo = Static<typeof ErrorInfo>;

/**
 * The `{"value": [...]}` envelope every list answer uses.
 *
 * @example
 *   export const ModelList = listOf(Model, 'ModelList');
 */
export function listOf<T extends TSchema>(item: T, title: string) {
  return Type.Object({ value: Type.Array(item) }, { title, description: `A list: \`{"value": [...]}\`.` });
}

/** A record whose keys follow `keyRule` (e.g. traffic keyed by deployment name). */
export function namedRecord<V extends TSchema>(
  keyRule: TSchema,
  value: V,
  options: { description: string; examples?: unknown[] },
) {
  return Type.Record(Type.String(), value, { ...options, propertyNames: keyRule });
}
