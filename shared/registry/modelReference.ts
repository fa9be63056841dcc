/**
 * References to a model version for the server: the grammar of shared/portable/modelReference.ts,
 * with its failures as `InvalidInput` errors.
 *
 * @example parseModelReference('iris:3') // { name: 'iris', version: 3 }
 * @example parseModelReference('iris@prod') // { name: 'iris', alias: 'prod' }
 */
import { SibylError } from '../errors';
import {
  MODEL_REFERENCE_FORMS,
  isAliasName,
  isAssetName,
  readModelReference,
  type ModelReference,
} from '../portable/modelReference';

export { formatModelReference, type ModelReference } from '../portable/modelReference';

/** Names of models and environments: letters, digits, `-`, `_`, `.`; starting with a letter or digit. */
export function assertName(kind: string, name: string): void {
  if (!isAssetName(name)) {
    throw new SibylError(
      'InvalidInput',
      `${kind} name '${name.slice(0, 100)}' is invalid: ` +
        `use letters, digits, '-', '_' or '.', starting with a letter or digit (at most 255 characters).`,
    );
  }
}

export function assertAlias(alias: string): void {
  if (!isAliasName(alias)) {
    const rule = "use letters, digits, '-' or '_', starting with a letter (at most 64 characters)";
    throw new SibylError('InvalidInput', `Alias name '${alias.slice(0, 100)}' is invalid: ${rule}.`);
  }
}

export function parseModelReference(text: string): ModelReference {
  const ref = readModelReference(text);
  if (!ref)
    throw new SibylError(
      'InvalidInput',
      `'${text.slice(0, 100)}' is not a model reference: use ${MODEL_REFERENCE_FORMS}.`,
    );
  return ref;
}
