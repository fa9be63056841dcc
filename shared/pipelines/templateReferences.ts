/**
 * `${…}` references inside the strings of a pipeline step, and their substitution at run time.
 *
 * - `${parameters.<name>}`: the run's value of a pipeline parameter (its default unless the run or
 *   schedule gives one).
 * - `${steps.<step>.outputs.<output>}`: an output of an earlier step (see `STEP_OUTPUTS`).
 * - `${run.id}`: the pipeline run's id (e.g. to give each run its own output folder).
 * - `$${` is a literal `${`; a `$` not followed by `{` is literal.
 *
 * A reference may sit anywhere in a string (`scored/${run.id}/`); a non-string value is written as text.
 *
 * @example
 *   substitute({ path: 'in/${parameters.day}.csv' }, { parameters: { day: '2024-06-01' }, steps: {}, runId: 'r1' });
 *   // → { path: 'in/2024-06-01.csv' }
 */
import { SibylError } from '../errors';

export type Reference =
  | { kind: 'parameter'; name: string; text: string }
  | { kind: 'step'; step: string; output: string; text: string }
  | { kind: 'run'; field: 'id'; text: string };

export type ParameterValue = string | number | boolean;

/** What references resolve against when a step runs. */
export interface TemplateValues {
  parameters: Record<string, ParameterValue>;
  /** Outputs of the steps that already ran, by step name. */
  steps: Record<string, Record<string, ParameterValue>>;
  runId: string;
}

const PARAMETER = /^parameters\.([A-Za-z_][A-Za-z0-9_]{0,63})$/;
const STEP = /^steps\.([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.outputs\.([A-Za-z_][A-Za-z0-9_]{0,63})$/;

function toReference(inner: string, text: string, where: string): Reference {
  const parameter = PARAMETER.exec(inner);
  if (parameter) return { kind: 'parameter', name: parameter[1]!, text };
  const step = STEP.exec(inner);
  if (step) return { kind: 'step', step: step[1]!, output: step[2]!, text };
  if (inner === 'run.id') return { kind: 'run', field: 'id', text };
  const message =
    `'${text.slice(0, 100)}' is not a reference Sibyl knows: ` +
    'use ${parameters.<name>}, ${steps.<step>.outputs.<output>} or ${run.id} (write $${ for a literal ${)';
  throw new SibylError('InvalidInput', `${where}: ${message}.`, [{ target: where, message }]);
}

/** Splits `text` into literal parts and references; throws InvalidInput naming `where` for a malformed one. */
function scan(
  text: string,
  where: string,
  onLiteral: (literal: string) => void,
  onReference: (ref: Reference) => void,
): void {
  let i = 0;
  let literal = '';
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) {
        const message = `'\${' at position ${i + 1} is never closed with '}'`;
        throw new SibylError('InvalidInput', `${where}: ${message}.`, [{ target: where, message }]);
      }
      if (literal) onLiteral(literal);
      literal = '';
      onReference(toReference(text.slice(i + 2, end).trim(), text.slice(i, end + 1), where));
      i = end + 1;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) onLiteral(literal);
}

/** The references in one string (in order); throws InvalidInput naming `where` when one is malformed. */
export function referencesIn(text: string, where: string): Reference[] {
  const found: Reference[] = [];
  scan(
    text,
    where,
    () => undefined,
    (ref) => found.push(ref),
  );
  return found;
}

/** Every string inside a JSON value, with its field path (`job.input.path`). */
export function stringsOf(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringsOf(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringsOf(item, path ? `${path}.${key}` : key));
  return [];
}

function resolve(ref: Reference, values: TemplateValues, where: string): string {
  let value: ParameterValue | undefined;
  if (ref.kind === 'parameter') value = values.parameters[ref.name];
  else if (ref.kind === 'step') value = values.steps[ref.step]?.[ref.output];
  else value = values.runId;
  if (value === undefined)
    throw new SibylError('InvalidInput', `${where}: ${ref.text} has no value in this run.`, [
      { target: where, message: `${ref.text} has no value` },
    ]);
  return String(value);
}

function substituteString(text: string, values: TemplateValues, where: string): string {
  let out = '';
  scan(
    text,
    where,
    (literal) => (out += literal),
    (ref) => (out += resolve(ref, values, where)),
  );
  return out;
}

/** A copy of `value` with every reference in its strings replaced; throws InvalidInput for one without a value. */
export function substitute<T>(value: T, values: TemplateValues, path = ''): T {
  if (typeof value === 'string') return substituteString(value, values, path) as T;
  if (Array.isArray(value)) return value.map((item, i) => substitute(item as unknown, values, `${path}[${i}]`)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substitute(item as unknown, values, path ? `${path}.${key}` : key),
      ]),
    ) as T;
  }
  return value;
}
