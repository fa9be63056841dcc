/**
 * Parsers for the CLI's argument shapes (`name:version`, `endpoint/deployment`, `datastore:path`,
 * `k=v`). Each throws `UsageError` with the expected form, so a typo exits 2 before any request.
 */
import { InvalidArgumentError } from 'commander';
import { isAssetName, readModelReference } from '../../shared/portable/modelReference';
import { UsageError } from './cliErrors';

/** `N`, `N:V` or `N@alias`. */
export interface ModelRefArg {
  name: string;
  version?: number;
  alias?: string;
}

export function parseModelRef(text: string, options: { requireVersion?: boolean } = {}): ModelRefArg {
  const ref: ModelRefArg | undefined = isAssetName(text) ? { name: text } : readModelReference(text);
  if (!ref)
    throw new UsageError(
      `'${text}' is not a model reference: use NAME, NAME:VERSION (iris:3) or NAME@ALIAS (iris@production).`,
    );
  if (options.requireVersion && ref.version === undefined)
    throw new UsageError(`'${text}' needs a version: use NAME:VERSION, e.g. ${ref.name}:1.`);
  return ref;
}

/** `endpoint/deployment`. */
export function parseDeploymentRef(text: string): { endpoint: string; deployment: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (!match) throw new UsageError(`'${text}' is not ENDPOINT/DEPLOYMENT, e.g. iris/blue.`);
  return { endpoint: match[1]!, deployment: match[2]! };
}

/** `DATASTORE:PATH` (the path may be empty for the datastore's root: `DATASTORE:`). */
export function parseDatastorePath(
  text: string,
  options: { allowEmptyPath?: boolean } = {},
): { datastore: string; path: string } {
  const match = /^([A-Za-z0-9_]+):(.*)$/.exec(text);
  if (!match || (!options.allowEmptyPath && !match[2]))
    throw new UsageError(`'${text}' is not DATASTORE:PATH, e.g. workspaceblobstore:iris/input/.`);
  return { datastore: match[1]!, path: match[2]!.replace(/^\/+/, '') };
}

/** `['a=1', 'b=x']` → `{a: '1', b: 'x'}`; `what` names the option in the message. */
export function parseKeyValues(items: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${what} '${item}' is not KEY=VALUE.`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

/** A parameter value: numbers and booleans as such (`5`, `0.5`, `true`), anything else as a string. */
export function parameterValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

/** A whole number in [min, max] from a positional argument; `what` names it in the message. */
export function wholeNumber(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text.trim());
  if (!/^-?\d+$/.test(text.trim()) || n < min || n > max)
    throw new UsageError(
      `${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''} (got '${text}').`,
    );
  return n;
}

/** Commander argParser for a whole number in [min, max] (commander reports it as a usage error). */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('Not a whole number.');
    const n = Number(value);
    if (n < min || n > max)
      throw new InvalidArgumentError(`Must be from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}.`);
    return n;
  };
}

/** Commander argParser for a repeatable option: collects the values in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
