/**
 * Azure ML / MLflow scoring bodies (`POST api/endpoints/{name}/score`) ⇄ typed tensors. Accepted
 * forms (exactly one top-level key, plus an optional MLflow `params`, which is ignored):
 * - `{"input_data": {"columns"?, "index"?, "data": [[…]]}}` — pandas split orientation;
 * - `{"input_data": {"<input>": nested, …}}` — named tensors (batch dim included);
 * - `{"input_data": [[…]]}`, `{"data": [[…]]}` — rows;
 * - `{"dataframe_split": {"columns"?, "index"?, "data"}}`, `{"dataframe_records": [{col: v}]}`;
 * - `{"instances": [row | {input: rowValue}]}` — TF-serving rows;
 * - `{"inputs": {"<input>": nested} | nested}` — TF-serving columns (a bare array for one input).
 * Table mapping rules are in `azureMlTable.ts`; JSON value rules in `elementCodec.ts` (plus: JSON
 * `null` reads as NaN for float inputs, as pandas writes it). The forms are public API.
 */
import type { ModelSignature, NamedTensor, TensorSpec } from '../datatypes';
import { InvalidInputError } from '../scoringErrors';
import { decodeRecords, decodeTable } from './azureMlTable';
import { decodeRowsFast } from './fastDecode';
import { ElementBudget, checkAgainstSpec, checkTensors, describeSpecs, type TensorLimits } from './tensorCheck';
import { decodeTensorData, inferShape, toNestedJson, type NestedJson } from './tensorData';

const FORMS = ['input_data', 'data', 'dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const SPLIT_KEYS = new Set(['columns', 'index', 'data']);

/** The answer body: per-row predictions for a single-output model, else an object keyed by output. */
export type AzureMlResponse = NestedJson[] | Record<string, NestedJson>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One tensor given whole (batch dim included); a trailing dim of 1 the model wants may be left out. */
function decodeWhole(spec: TensorSpec, value: unknown, budget: ElementBudget): NamedTensor {
  const where = `input '${spec.name}'`;
  const given = inferShape(value, where);
  const padded = given.length + 1 === spec.shape.length && spec.shape[spec.shape.length - 1] === 1;
  const shape = padded ? [...given, 1] : given;
  checkAgainstSpec(spec, { name: spec.name, datatype: spec.datatype, shape });
  const count = budget.take(shape, where);
  const data = decodeTensorData(spec.datatype, given, count, given.length === 0 ? [value] : value, where, {
    nullAsNaN: true,
  });
  return { name: spec.name, datatype: spec.datatype, shape, data };
}

function decodeNamed(
  map: Record<string, unknown>,
  signature: ModelSignature,
  budget: ElementBudget,
  what: string,
): NamedTensor[] {
  const specs = new Map(signature.inputs.map((s) => [s.name, s]));
  const unknown = Object.keys(map).find((k) => !specs.has(k));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      `${what}: unknown input '${unknown}'; the model's inputs are ${describeSpecs(signature.inputs)}`,
    );
  }
  const missing = signature.inputs.filter((s) => map[s.name] === undefined);
  if (missing.length > 0) throw new InvalidInputError(`${what}: missing input ${describeSpecs(missing)}`);
  return signature.inputs.map((spec) => decodeWhole(spec, map[spec.name], budget));
}

function decodeSplit(
  split: Record<string, unknown>,
  signature: ModelSignature,
  budget: ElementBudget,
  what: string,
): NamedTensor[] {
  const extra = Object.keys(split).find((k) => !SPLIT_KEYS.has(k));
  if (extra !== undefined)
    throw new InvalidInputError(`${what}: unknown key '${extra}'; expected "columns", "index" and "data"`);
  const { index, data } = split;
  if (!Array.isArray(data)) throw new InvalidInputError(`${what}: "data" must be an array of rows`);
  if (index !== undefined && (!Array.isArray(index) || index.length !== data.length)) {
    throw new InvalidInputError(`${what}: "index" must be an array with one entry per row (${data.length})`);
  }
  return decodeTable(split.columns, data, signature, budget, what);
}

function decodeInputData(value: unknown, signature: ModelSignature, budget: ElementBudget): NamedTensor[] {
  const what = '"input_data"';
  if (Array.isArray(value)) return decodeTable(undefined, value, signature, budget, what);
  if (!isRecord(value)) throw new InvalidInputError(`${what} must be an object or an array of rows`);
  const keys = Object.keys(value);
  const names = new Set(signature.inputs.map((s) => s.name));
  if (keys.length > 0 && keys.every((k) => names.has(k))) return decodeNamed(value, signature, budget, what);
  if ('data' in value && keys.every((k) => SPLIT_KEYS.has(k))) return decodeSplit(value, signature, budget, what);
  throw new InvalidInputError(
    `${what} must be {"columns", "index", "data"} (split orientation) ` +
      `or an object keyed by input name (${describeSpecs(signature.inputs)}); ` +
      `got keys ${keys.join(', ') || '(none)'}`,
  );
}

function decodeForm(
  form: (typeof FORMS)[number],
  value: unknown,
  signature: ModelSignature,
  budget: ElementBudget,
): NamedTensor[] {
  const what = `"${form}"`;
  switch (form) {
    case 'input_data':
      return decodeInputData(value, signature, budget);
    case 'data':
      return decodeTable(undefined, value, signature, budget, what);
    case 'dataframe_split':
      if (!isRecord(value)) throw new InvalidInputError(`${what} must be an object {"columns", "data"}`);
      return decodeSplit(value, signature, budget, what);
    case 'dataframe_records':
    case 'instances':
      if (!Array.isArray(value)) throw new InvalidInputError(`${what} must be an array`);
      // Records are objects; instances are objects keyed by input name, or plain rows.
      return form === 'dataframe_records' || isRecord(value[0])
        ? decodeRecords(value, signature, budget, what)
        : decodeTable(undefined, value, signature, budget, what);
    case 'inputs': {
      if (isRecord(value)) return decodeNamed(value, signature, budget, what);
      const [only] = signature.inputs;
      if (only && signature.inputs.length === 1) return [decodeWhole(only, value, budget)];
      throw new InvalidInputError(
        `${what} must be an object keyed by input name for a model with several inputs (${describeSpecs(signature.inputs)})`,
      );
    }
  }
}

/**
 * Decodes a parsed Azure ML / MLflow scoring body into the model's input tensors, in signature
 * order. Every fault is an `InvalidInput`/`ShapeMismatch` (400) or `PayloadTooLarge` (413) saying
 * what was wrong and what was expected.
 *
 * @example decodeAzureMlRequest({ data: [[1, 2, 3, 4]] }, { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs })
 * // → [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: Float32Array [1, 2, 3, 4] }]
 */
export function decodeAzureMlRequest(
  body: unknown,
  signature: ModelSignature,
  limits: TensorLimits = {},
): NamedTensor[] {
  const fast = decodeRowsFast(body, signature, limits.maxElements);
  if (fast) return fast;
  if (!isRecord(body))
    throw new InvalidInputError(`the request body must be a JSON object with one of ${FORMS.join(', ')}`);
  const keys = Object.keys(body).filter((k) => k !== 'params');
  const unknown = keys.find((k) => !(FORMS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw new InvalidInputError(`unknown field "${unknown}"; send exactly one of ${FORMS.join(', ')}`);
  const [form, ...more] = keys as Array<(typeof FORMS)[number]>;
  if (!form || more.length > 0)
    throw new InvalidInputError(`send exactly one of ${FORMS.join(', ')}; got ${keys.join(', ') || 'none'}`);
  const budget = new ElementBudget(limits);
  const tensors = decodeForm(form, body[form], signature, budget);
  checkTensors(tensors, signature, { maxElements: budget.max });
  return tensors;
}

/**
 * Encodes the answer: for a single output, its per-row values as a JSON array (a rank-0 output is
 * wrapped in an array); otherwise an object keyed by output name with each output nested by shape.
 *
 * @example encodeAzureMlResponse([{ name: 'y', datatype: 'FP32', shape: [2], data: Float32Array.of(1, 0) }]) // [1, 0]
 */
export function encodeAzureMlResponse(outputs: readonly NamedTensor[]): AzureMlResponse {
  const nested = (t: NamedTensor): NestedJson => toNestedJson(t.datatype, t.shape, t.data);
  const [only] = outputs;
  if (only && outputs.length === 1) {
    const value = nested(only);
    return Array.isArray(value) ? value : [value];
  }
  return Object.fromEntries(outputs.map((t) => [t.name, nested(t)]));
}
