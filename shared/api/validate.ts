/**
 * Request validation: JSON text → value → typed, schema-checked value, or a `SibylError('InvalidInput')`
 * whose message names the first problem and whose `details` list every one (`target` = field path).
 * Validators are compiled once per schema.
 *
 * @example
 *   const spec = parseBodyText(DeploymentSpec, await request.text(), 'deployment');
 *   const { minutes = 60 } = parseQuery(EndpointMetricsQuery, request.query);
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { SibylError, type ErrorDetail } from '../errors';
import { createAjv } from './ajv';
import { toDetails } from './describeErrors';
import { describeJsonError } from './jsonErrors';

const ajv = createAjv();
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** The cached validator of `schema` (compiled on first use). */
export function validatorFor(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function invalid(what: string, details: ErrorDetail[]): SibylError {
  const first = details[0]?.message ?? 'it does not match the schema';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  return new SibylError('InvalidInput', `${what} is invalid: ${first}${more}`, details);
}

/**
 * Checks `value` against `schema`; returns it typed, or throws `InvalidInput` naming `what`.
 *
 * @example
 *   const spec = parseBody(EndpointSpec, json, 'endpoint'); // spec.authMode: 'key' | 'token' | 'aad'
 */
export function parseBody<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  const validate = validatorFor(schema) as ValidateFunction<Static<T>>;
  if (validate(value)) return value;
  throw invalid(what, toDetails(validate.errors ?? [], value));
}

/**
 * Parses JSON request text. An empty body or malformed JSON throws `InvalidInput` saying where the
 * JSON broke (line and column) and showing the text around it.
 */
export function parseJsonBody(text: string | null | undefined, what = 'request body'): unknown {
  const body = (text ?? '').replace(/^\uFEFF/, '');
  if (body.trim() === '')
    throw new SibylError(
      'InvalidInput',
      `The ${what} is empty; send a JSON object with Content-Type: application/json.`,
    );
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const where = describeJsonError(body, error as Error);
    throw new SibylError('InvalidInput', `The ${what} is not valid JSON: ${where.message}`, [
      { target: where.target, message: where.message },
    ]);
  }
}

/** `parseJsonBody` then `parseBody`. */
export function parseBodyText<T extends TSchema>(schema: T, text: string | null | undefined, what: string): Static<T> {
  return parseBody(schema, parseJsonBody(text, what), what);
}

type QueryLike =
  | URLSearchParams
  | { get(name: string): string | null; getAll(name: string): string[] }
  | Record<string, string | undefined>;

function readParam(source: QueryLike, name: string): string[] {
  if (typeof (source as URLSearchParams).getAll === 'function') return (source as URLSearchParams).getAll(name);
  const value = (source as Record<string, string | undefined>)[name];
  return value === undefined ? [] : [value];
}

function coerce(raw: string, schema: Record<string, unknown>, name: string, what: string): unknown {
  const type = schema.type;
  if ((type === 'integer' || type === 'number') && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new SibylError(
        'InvalidInput',
        `${what} is invalid: ${name} must be JSON (${type === 'object' ? 'an object' : 'an array'}), ` +
          `e.g. ${type === 'object' ? '{"team":"fraud"}' : '["a"]'}`,
        [{ target: name, message: `${name} is not valid JSON` }],
      );
    }
  }
  return raw;
}

/**
 * Reads the parameters `schema` declares from a query (`URLSearchParams`, `request.query`) or route
 * params (`request.params`), converting numbers, booleans and JSON values, then validates them.
 * Parameters the schema does not declare are ignored (the query also carries `code`, the function key).
 *
 * @example
 *   const { minutes } = parseQuery(EndpointMetricsQuery, request.query); // minutes: number | undefined
 */
export function parseQuery<T extends TObject>(schema: T, source: QueryLike, what = 'query string'): Static<T> {
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
    const raw = readParam(source, name);
    if (raw.length === 0) continue;
    value[name] =
      property.type === 'array' && raw.length > 1 ? raw : coerce(raw[raw.length - 1]!, property, name, what);
  }
  return parseBody(schema, value, what);
}

/** `parseQuery` for route parameters (`request.params`). */
export function parseParams<T extends TObject>(
  schema: T,
  params: Record<string, string | undefined>,
  what = 'route',
): Static<T> {
  return parseQuery(schema, params, what);
}
