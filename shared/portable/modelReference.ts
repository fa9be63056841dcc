/**
 * The model-reference grammar, written once: `name:version` or `name@alias` (`name@latest` always
 * exists). The API schemas build their patterns from these strings, the registry parses with
 * `readModelReference`, and the CLI and the dashboard read references with the same rule.
 *
 * - A name: 1–255 letters, digits, `_`, `.`, `-`, starting with a letter or digit (Azure ML's asset rule).
 * - An alias: 1–64 letters, digits, `_`, `-`, starting with a letter.
 * - A version: a whole number from 1, at most nine digits, no leading zero.
 *
 * Pure: no Node or server imports, so the CLI and the dashboard import it as it is.
 *
 * @example readModelReference('iris:3') // { name: 'iris', version: 3 }
 * @example readModelReference('iris@prod') // { name: 'iris', alias: 'prod' }
 * @example readModelReference('iris@1st') // undefined: an alias starts with a letter
 */

/** Models, environments, pipelines, schedules and experiments share Azure ML's asset name rule. */
export const ASSET_NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9_.-]{0,254}';
export const ALIAS_PATTERN = '[A-Za-z][A-Za-z0-9_-]{0,63}';
export const VERSION_PATTERN = '[1-9][0-9]{0,8}';
/** A whole reference, anchored. */
export const MODEL_REFERENCE_PATTERN = `^${ASSET_NAME_PATTERN}(?::${VERSION_PATTERN}|@${ALIAS_PATTERN})$`;

/** How to write a reference, for messages. */
export const MODEL_REFERENCE_FORMS = "'name:version' (e.g. 'iris:3') or 'name@alias' (e.g. 'iris@latest')";

export type ModelReference =
  { name: string; version: number; alias?: undefined } | { name: string; alias: string; version?: undefined };

const REFERENCE = new RegExp(`^(${ASSET_NAME_PATTERN})(?::(${VERSION_PATTERN})|@(${ALIAS_PATTERN}))$`);
const ASSET_NAME = new RegExp(`^${ASSET_NAME_PATTERN}$`);
const ALIAS = new RegExp(`^${ALIAS_PATTERN}$`);

/** The reference `text` names, or undefined when it is not one. */
export function readModelReference(text: string): ModelReference | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const [, name, version, alias] = match;
  return alias !== undefined ? { name: name!, alias } : { name: name!, version: Number(version) };
}

export function formatModelReference(ref: ModelReference): string {
  return ref.alias !== undefined ? `${ref.name}@${ref.alias}` : `${ref.name}:${ref.version}`;
}

export function isAssetName(text: string): boolean {
  return ASSET_NAME.test(text);
}

export function isAliasName(text: string): boolean {
  return ALIAS.test(text);
}
