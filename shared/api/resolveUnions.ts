/**
 * With `allErrors`, Ajv reports a failed `anyOf`/`oneOf` together with the errors of every branch,
 * which reads as nonsense ("cron is required; datastore is required; unknown field cron…"). This
 * picks the branch the client evidently meant — by discriminator (`kind`), by the fields it sent, or
 * the closest — and keeps only its errors; when no branch fits, one error names the allowed forms.
 */
import type { ErrorObject } from 'ajv';

type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const quote = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** "an integer", "a string or null": JSON Schema type names in words. */
export function typeWords(types: unknown): string {
  const list = (Array.isArray(types) ? types : [types]).map(String);
  const words = [...new Set(list.map((t) => TYPE_WORDS[t] ?? t))];
  return words.length > 2 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]!}` : words.join(' or ');
}

/** A message already in words, standing in for the errors of a union. */
export function syntheticError(
  instancePath: string,
  schemaPath: string,
  message: string,
  params: Record<string, unknown> = {},
): ErrorObject {
  return { keyword: 'sibyl', instancePath, schemaPath, params, message };
}

function belongsTo(error: ErrorObject, union: ErrorObject, branch?: number): boolean {
  const prefix = branch === undefined ? `${union.schemaPath}/` : `${union.schemaPath}/${branch}/`;
  const inside = error.instancePath === union.instancePath || error.instancePath.startsWith(`${union.instancePath}/`);
  return inside && error.schemaPath.startsWith(prefix);
}

function requiredOf(branch: Schema): string[] {
  return Array.isArray(branch.required) ? (branch.required as string[]) : [];
}

/** `CronTrigger {cron, timeZone?}` — a branch described by its fields. */
function describeForm(branch: Schema, index: number): string {
  const required = requiredOf(branch);
  const fields = Object.keys(isObject(branch.properties) ? branch.properties : {}).map((key) =>
    required.includes(key) ? key : `${key}?`,
  );
  const name = typeof branch.title === 'string' ? `${branch.title} ` : `form ${index + 1} `;
  return `${name}{${fields.join(', ')}}`;
}

function tagValues(branch: Schema, key: string): unknown[] | undefined {
  const property = isObject(branch.properties) ? branch.properties[key] : undefined;
  if (!isObject(property)) return undefined;
  if ('const' in property) return [property.const];
  return Array.isArray(property.enum) ? property.enum : undefined;
}

function discriminator(branches: Schema[]): string | undefined {
  const first = branches[0];
  if (!first || !isObject(first.properties)) return undefined;
  return Object.keys(first.properties).find((key) =>
    branches.every((b) => requiredOf(b).includes(key) && tagValues(b, key) !== undefined),
  );
}

type Choice = { branch: number; orParameter?: boolean } | { error: ErrorObject };

function choose(union: ErrorObject, branches: Schema[], branchErrors: ErrorObject[][], path: string): Choice {
  const value: unknown = union.data;
  const at = (message: string, subPath = path) => ({ error: syntheticError(subPath, union.schemaPath, message) });
  const reference = branches.findIndex((b) => b.title === 'ParameterReference');
  if (reference >= 0 && branches.length === 2) return { branch: reference === 0 ? 1 : 0, orParameter: true };

  if (branches.every((b) => Object.keys(b).length === 1 && requiredOf(b).length === 1)) {
    const names = branches.map((b) => quote(requiredOf(b)[0]));
    const given = isObject(value) ? branches.filter((b) => requiredOf(b)[0]! in value).length : 0;
    return at(given > 1 ? `has ${names.join(' and ')}; give only one of them` : `needs one of ${names.join(' or ')}`);
  }
  const typeOnly = branchErrors.every(
    (errors) => errors.length > 0 && errors.every((e) => e.keyword === 'type' && e.instancePath === union.instancePath),
  );
  if (typeOnly) {
    const types = branchErrors.flatMap((errors) =>
      errors.flatMap((e) => (e.params as { type: string | string[] }).type),
    );
    return at(`must be ${typeWords(types)}`, path);
  }
  if (!isObject(value)) return { branch: 0 };

  const tag = discriminator(branches);
  if (tag !== undefined) {
    const allowed = branches.flatMap((b) => tagValues(b, tag) ?? []);
    if (!(tag in value)) return at(`needs '${tag}': one of ${allowed.map(quote).join(', ')}`);
    const match = branches.findIndex((b) => (tagValues(b, tag) ?? []).includes(value[tag]));
    return match >= 0
      ? { branch: match }
      : at(`must be one of ${allowed.map(quote).join(', ')} (got ${quote(value[tag])})`, `${path}/${tag}`);
  }

  const shared = (key: string) => branches.every((b) => requiredOf(b).includes(key));
  const claims = branches
    .map((b, i) => ({ i, keys: requiredOf(b).filter((key) => !shared(key) && key in value) }))
    .filter((c) => c.keys.length > 0);
  if (claims.length === 1) return { branch: claims[0]!.i };
  const forms = branches.map(describeForm);
  if (claims.length === 0) return at(`must be one of: ${forms.join(' or ')}`);
  return at(
    `mixes ${claims.map((c) => `${describeForm(branches[c.i]!, c.i).split(' ')[0]} (${c.keys.join(', ')})`).join(' and ')}; give one form`,
  );
}

/**
 * Replaces each failed union (outermost first) by the errors of its likeliest branch, or by one
 * synthetic error when none fits.
 */
export function resolveUnions(errors: ErrorObject[]): ErrorObject[] {
  let remaining = errors;
  for (;;) {
    const union = remaining
      .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && Array.isArray(e.schema))
      .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
    if (!union) return remaining;
    const branches = union.schema as Schema[];
    const branchErrors = branches.map((_, i) => remaining.filter((e) => e !== union && belongsTo(e, union, i)));
    const choice = choose(union, branches, branchErrors, union.instancePath);
    const keep = 'branch' in choice ? (branchErrors[choice.branch] ?? []) : [choice.error];
    const marked =
      'branch' in choice && choice.orParameter
        ? keep.map((e) => ({ ...e, params: { ...e.params, orParameterReference: true } }))
        : keep;
    let inserted = false;
    remaining = remaining.flatMap((e) => {
      if (e !== union && !belongsTo(e, union)) return [e];
      if (inserted) return [];
      inserted = true;
      return marked;
    });
  }
}
