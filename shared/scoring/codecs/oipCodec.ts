/**
 * Open Inference Protocol v2 (KServe/Triton REST) JSON ⇄ typed tensors. The body shapes here are
 * the protocol's; changing them breaks clients. JSON value conventions (INT64 as strings beyond
 * 2^53, "NaN"/"Infinity" strings, FP16 as numbers) are described in `elementCodec.ts`.
 * The binary tensor data extension (`oipBinary.ts`) is supported: inputs with
 * `parameters.binary_data_size` take their elements from `options.binary`.
 */
import { OIP_DATATYPES, isOipDatatype, type ModelSignature, type NamedTensor, type OipDatatype } from '../datatypes';
import { InvalidInputError } from '../scoringErrors';
import type { JsonScalar } from './elementCodec';
import { ElementBudget, checkInputs, checkOutputNames, type TensorLimits } from './tensorCheck';
import { decodeOipFast } from './fastDecode';
import { tensorFromBytes } from './oipBinary';
import { decodeTensorData, toFlatJson } from './tensorData';

export type OipParameters = Record<string, string | number | boolean>;

/** A decoded infer request. */
export interface OipInferRequest {
  id?: string;
  parameters?: OipParameters;
  inputs: NamedTensor[];
  /** Output names the client asked for, in its order; undefined = every output. */
  outputs?: string[];
  /** Outputs to answer as binary data: `'all'` for `binary_data_output`, else those with `binary_data`. */
  binaryOutputs?: 'all' | string[];
}

export interface OipDecodeOptions extends TensorLimits {
  /** When given, input names, datatypes and shapes (and output names) are checked before data is decoded. */
  signature?: ModelSignature;
  /** The bytes after the JSON header of a binary-extension request. */
  binary?: Uint8Array;
}

/** One output tensor of an infer response (flat data). */
export interface OipOutputTensor {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: JsonScalar[];
}

/** The infer response body. */
export interface OipInferResponse {
  model_name: string;
  model_version?: string;
  id: string;
  parameters?: OipParameters;
  outputs: OipOutputTensor[];
}

export interface OipResponseMeta {
  modelName: string;
  modelVersion?: string;
  /** The request's `id`, or a generated one (e.g. the request id) when it sent none. */
  id: string;
  parameters?: OipParameters;
  /** Requested output names (from {@link OipInferRequest.outputs}); undefined = all. */
  outputs?: readonly string[];
  /** Outputs answered as binary data: their JSON `data` is left empty (`oipBinary.ts` fills the bytes). */
  binary?: ReadonlySet<string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseParameters(value: unknown, where: string): OipParameters | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new InvalidInputError(`${where}: "parameters" must be an object`);
  for (const [key, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new InvalidInputError(`${where}: parameter "${key}" must be a string, number or boolean`);
    }
  }
  return value as OipParameters;
}

const asks = (parameters: OipParameters | undefined, key: string): boolean =>
  parameters?.[key] !== undefined && parameters[key] !== false;

interface InputHeader {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  count: number;
  data: unknown;
  /** Bytes in the binary part, for inputs sent with the binary extension. */
  binarySize?: number;
  where: string;
}

function parseInputHeader(raw: unknown, index: number, budget: ElementBudget, binary: boolean): InputHeader {
  if (!isObject(raw)) throw new InvalidInputError(`inputs[${index}] must be an object {name, shape, datatype, data}`);
  const { name, datatype, shape, data } = raw;
  if (typeof name !== 'string' || name === '')
    throw new InvalidInputError(`inputs[${index}]: "name" must be a non-empty string`);
  const where = `input '${name}'`;
  if (!isOipDatatype(datatype)) {
    throw new InvalidInputError(
      `${where}: datatype ${JSON.stringify(datatype) ?? 'missing'} is not supported; use one of ${OIP_DATATYPES.join(', ')}`,
    );
  }
  const parameters = parseParameters(raw.parameters, where);
  const count = budget.take(shape, where);
  if (asks(parameters, 'binary_data_size')) {
    const size = parameters!.binary_data_size;
    if (!binary)
      throw new InvalidInputError(
        `${where}: binary_data_size needs a binary body: the JSON header's length in Inference-Header-Content-Length, then the bytes`,
      );
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new InvalidInputError(`${where}: binary_data_size must be a whole number of bytes`);
    return { name, datatype, shape: [...(shape as number[])], count, data, binarySize: size, where };
  }
  if (data === undefined) throw new InvalidInputError(`${where}: "data" is missing`);
  return { name, datatype, shape: [...(shape as number[])], count, data, where };
}

function parseOutputs(value: unknown, binary: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidInputError('"outputs" must be an array of {name}');
  const names = value.map((raw, i) => {
    if (!isObject(raw) || typeof raw.name !== 'string')
      throw new InvalidInputError(`outputs[${i}] must be an object with a string "name"`);
    if (asks(parseParameters(raw.parameters, `output '${raw.name}'`), 'binary_data')) binary.push(raw.name);
    return raw.name;
  });
  return [...new Set(names)];
}

/**
 * Decodes a parsed OIP infer body into typed tensors. Every shape is validated and counted against
 * `maxElements` (413) before any data is decoded; with a signature, names/datatypes/shapes are
 * checked first too (400). Data may be flat or nested; nested data must match the shape.
 *
 * @example
 * decodeOipRequest({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] }, { signature })
 * // → { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: Float32Array [1, 2] }] }
 */
export function decodeOipRequest(body: unknown, options: OipDecodeOptions = {}): OipInferRequest {
  const fast = options.signature && !options.binary && decodeOipFast(body, options.signature, options.maxElements);
  if (fast) return fast;
  if (!isObject(body)) throw new InvalidInputError('the request body must be a JSON object with "inputs"');
  if (body.id !== undefined && typeof body.id !== 'string') throw new InvalidInputError('"id" must be a string');
  const parameters = parseParameters(body.parameters, 'request');
  if (!Array.isArray(body.inputs))
    throw new InvalidInputError('"inputs" must be an array of {name, shape, datatype, data}');
  const budget = new ElementBudget(options);
  const headers = body.inputs.map((raw, i) => parseInputHeader(raw, i, budget, options.binary !== undefined));
  const names = new Set<string>();
  for (const { name } of headers) {
    if (names.has(name)) throw new InvalidInputError(`input '${name}' is given more than once`);
    names.add(name);
  }
  const binaryNames: string[] = [];
  const outputs = parseOutputs(body.outputs, binaryNames);
  if (options.signature) {
    checkInputs(headers, options.signature);
    if (outputs) checkOutputNames(outputs, options.signature);
  }
  let offset = 0;
  const inputs = headers.map((h) => {
    if (h.binarySize === undefined)
      return {
        name: h.name,
        datatype: h.datatype,
        shape: h.shape,
        data: decodeTensorData(h.datatype, h.shape, h.count, h.data, h.where),
      };
    const bytes = options.binary!.subarray(offset, offset + h.binarySize);
    if (bytes.length !== h.binarySize)
      throw new InvalidInputError(`${h.where}: binary_data_size ${h.binarySize} runs past the end of the body`);
    offset += h.binarySize;
    return {
      name: h.name,
      datatype: h.datatype,
      shape: h.shape,
      data: tensorFromBytes(h.datatype, h.count, bytes, h.where),
    };
  });
  if (options.binary && offset !== options.binary.length) {
    throw new InvalidInputError(
      `the body has ${options.binary.length - offset} bytes after the inputs' binary_data_size total`,
    );
  }
  const binaryOutputs = asks(parameters, 'binary_data_output') ? 'all' : binaryNames.length ? binaryNames : undefined;
  return {
    ...(body.id !== undefined && { id: body.id }),
    ...(parameters && { parameters }),
    inputs,
    ...(outputs && { outputs }),
    ...(binaryOutputs && { binaryOutputs }),
  };
}

/** The outputs an answer holds: all, or those the client named, in its order (400 for a name the model lacks). */
export function selectOutputs(outputs: readonly NamedTensor[], names?: readonly string[]): readonly NamedTensor[] {
  if (!names) return outputs;
  const byName = new Map(outputs.map((t) => [t.name, t]));
  return names.map((name) => {
    const tensor = byName.get(name);
    if (!tensor)
      throw new InvalidInputError(
        `unknown output '${name}'; the model's outputs are ${outputs.map((t) => `'${t.name}'`).join(', ')}`,
      );
    return tensor;
  });
}

/**
 * Builds the OIP infer response: flat data, outputs filtered to (and ordered as) `meta.outputs`
 * when the client named some.
 */
export function encodeOipResponse(outputs: readonly NamedTensor[], meta: OipResponseMeta): OipInferResponse {
  const selected = selectOutputs(outputs, meta.outputs);
  return {
    model_name: meta.modelName,
    ...(meta.modelVersion !== undefined && { model_version: meta.modelVersion }),
    id: meta.id,
    ...(meta.parameters && { parameters: meta.parameters }),
    outputs: toOipTensors(selected, meta.binary),
  };
}

/**
 * Typed tensors as the protocol's tensor list (`{name, shape, datatype, data}`, flat data), the form of
 * a request's `inputs` and of an answer's `outputs` alike. Tensors named in `binary` get empty `data`.
 */
export function toOipTensors(tensors: readonly NamedTensor[], binary?: ReadonlySet<string>): OipOutputTensor[] {
  return tensors.map((t) => ({
    name: t.name,
    shape: [...t.shape],
    datatype: t.datatype,
    data: binary?.has(t.name) ? [] : toFlatJson(t.datatype, t.data),
  }));
}

/** A parsed tensor list (a request's `inputs` or an answer's `outputs`) as typed tensors, checked as inputs are. */
export function fromOipTensors(list: unknown, options: OipDecodeOptions = {}): NamedTensor[] {
  return decodeOipRequest({ inputs: list }, options).inputs;
}
