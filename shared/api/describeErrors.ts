/**
 * Ajv errors → `ErrorDetail`s a person can act on: `target` is a readable path
 * (`batching.maxBatchSize`, `steps[0].job.input.format`) and `message` a sentence naming the field,
 * the rule and the value received, with a "did you mean" for near-miss field names and enum values.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from '../errors';
import { resolveUnions, typeWords } from './resolveUnions';
import { closest } from './suggest';

type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON pointer (`/steps/0/name`) → readable path (`steps[0].name`), using the data to tell indexes from keys. */
export function readablePath(pointer: string, data: unknown): string {
  let path = '';
  let node: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) path += `[${key}]`;
    else path += /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

function child(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** A value as quoted in a message, shortened. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function list(values: unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v))).join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function enumMessage(subject: string, allowed: unknown[], value: unknown): string {
  const hint =
    typeof value === 'string'
      ? closest(
          value,
          allowed.filter((a): a is string => typeof a === 'string'),
        )
      : undefined;
  return `${subject} must be one of ${list(allowed)} (got ${show(value)})${hint ? `; did you mean '${hint}'?` : ''}`;
}

function unknownField(path: string, key: string, parent: Schema | undefined): string {
  const known = Object.keys(isObject(parent?.properties) ? parent.properties : {});
  const hint = closest(key, known);
  const where = path ? ` in ${path}` : '';
  if (hint) return `unknown field '${key}'${where}; did you mean '${hint}'?`;
  return `unknown field '${key}'${where}${known.length ? `; allowed fields: ${known.join(', ')}` : ''}`;
}

/** The sentence for one error about `subject` (a path, or "key 'x' in traffic"). */
function sentence(e: ErrorObject, subject: string, path: string, value: unknown): string {
  const p = e.params as Record<string, unknown>;
  const parent: Schema | undefined = e.parentSchema;
  switch (e.keyword) {
    case 'required':
      return `${child(path, String(p.missingProperty))} is required`;
    case 'additionalProperties':
      return unknownField(path, String(p.additionalProperty), parent);
    case 'type':
      return `${subject} must be ${typeWords(p.type)}, not ${value === null ? 'null' : show(value)}`;
    case 'enum':
      return enumMessage(subject, p.allowedValues as unknown[], value);
    case 'const':
      return `${subject} must be ${show(p.allowedValue)} (got ${show(value)})`;
    case 'minimum':
      return `${subject} must be at least ${String(p.limit)} (got ${show(value)})`;
    case 'maximum':
      return `${subject} must be at most ${String(p.limit)} (got ${show(value)})`;
    case 'exclusiveMinimum':
      return `${subject} must be greater than ${String(p.limit)} (got ${show(value)})`;
    case 'exclusiveMaximum':
      return `${subject} must be less than ${String(p.limit)} (got ${show(value)})`;
    case 'multipleOf':
      return `${subject} must be a multiple of ${String(p.multipleOf)}`;
    case 'minLength':
      return `${subject} must be at least ${plural(Number(p.limit), 'character')} long (got ${show(value)})`;
    case 'maxLength':
      return `${subject} must be at most ${plural(Number(p.limit), 'character')} long`;
    case 'pattern': {
      const shown = e.propertyName === undefined ? ` ${show(value)}` : '';
      const rule = typeof parent?.description === 'string' ? parent.description : `it must match ${String(p.pattern)}`;
      return `${subject}${shown} is not valid: ${rule}`;
    }
    case 'format':
      return `${subject} must be a valid ${String(p.format)} (got ${show(value)})`;
    case 'minItems':
      return `${subject} must have at least ${plural(Number(p.limit), 'item')}`;
    case 'maxItems':
      return `${subject} must have at most ${plural(Number(p.limit), 'item')}`;
    case 'uniqueItems':
      return `${subject} must not repeat items (items ${String(p.j)} and ${String(p.i)} are the same)`;
    case 'minProperties':
      return `${subject} must have at least ${plural(Number(p.limit), 'field')}`;
    case 'maxProperties':
      return `${subject} must have at most ${plural(Number(p.limit), 'field')}`;
    case 'oneOf':
    case 'anyOf':
      return `${subject} does not match exactly one allowed form`;
    default:
      return `${subject} ${e.message ?? 'is invalid'}`;
  }
}

function valueAt(pointer: string, data: unknown): unknown {
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/**
 * Turns Ajv's errors for `data` into details, unions resolved and duplicates dropped.
 *
 * @example
 *   toDetails(validate.errors ?? [], body);
 *   // [{ target: 'batching.maxBatchSize', message: 'batching.maxBatchSize must be at most 1024 (got 5000)' }]
 */
export function toDetails(errors: readonly ErrorObject[], data: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of resolveUnions([...errors])) {
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue; // the inner error says it better
    const path = readablePath(e.instancePath, data);
    let target = path;
    let subject = path || 'the body';
    let value = valueAt(e.instancePath, data);
    if (e.propertyName !== undefined) {
      target = child(path, e.propertyName);
      subject = `key '${e.propertyName}'${path ? ` in ${path}` : ''}`;
      value = e.propertyName;
    } else if (e.keyword === 'required')
      target = child(path, String((e.params as { missingProperty: string }).missingProperty));
    else if (e.keyword === 'additionalProperties')
      target = child(path, String((e.params as { additionalProperty: string }).additionalProperty));
    let message = e.keyword === 'sibyl' ? `${subject} ${e.message ?? ''}` : sentence(e, subject, path, value);
    if ((e.params as { orParameterReference?: boolean }).orParameterReference)
      message += ' (or hold a ${parameters.<name>} reference)';
    const key = `${target}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(target ? { target, message } : { message });
  }
  return details;
}
