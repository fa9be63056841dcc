/**
 * References to a model version: `name:version` or `name@alias` (`name@latest` always exists).
 *
 * @example parseModelReference('iris:3') // { name: 'iris', version: 3 }
 * @example parseModelReference('iris@prod') // { name: 'iris', alias: 'prod' }
 */
import { SibylError } from '../errors';

export type ModelReference = { name: string; version: number; alias?: undefined } | { name: string; alias: string; version?: undefined };

/** Names of models, aliases and environments: letters, digits, `-`, `_`, `.`; starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function assertName(kind: string, name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new SibylError('InvalidInput', `${kind} name '${name.slice(0, 100)}' is invalid: use letters, digits, '-', '_' or '.', starting with a letter or digit (at most 255 characters).`);
  }
}

export function parseModelReference(text: string): ModelReference {
  const at = /^([^:@]+)@([^:@]+)$/.exec(text);
  if (at) {
    assertName('Model', at[1]!);
    assertName('Alias', at[2]!);
    return { name: at[1]!, alias: at[2]! };
  }
  const colon = /^([^:@]+):(\d{1,9})$/.exec(text);
  if (colon && Number(colon[2]) >= 1) {
    assertName('Model', colon[1]!);
    return { name: colon[1]!, version: Number(colon[2]) };
  }
  throw new SibylError('InvalidInput', `'${text.slice(0, 100)}' is not a model reference: use 'name:version' (e.g. 'iris:3') or 'name@alias' (e.g. 'iris@latest').`);
}

export function formatModelReference(ref: ModelReference): string {
  return ref.alias !== undefined ? `${ref.name}@${ref.alias}` : `${ref.name}:${ref.version}`;
}
