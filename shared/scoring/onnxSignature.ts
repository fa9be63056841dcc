/**
 * Reads a model's signature (inputs and outputs with OIP datatypes and shapes) by opening it with
 * ONNX Runtime, and turns every way a file can fail to open into an `InvalidModelError`.
 *
 * onnxruntime-node 1.30 exposes `session.inputMetadata` / `outputMetadata` with element type and
 * shape (numbers for fixed dims, strings for symbolic ones, `''` for unnamed dynamic ones), but it
 * reports both a scalar and a tensor of unknown rank as `[]`, and it cannot name the input behind
 * "Unsupported data type: 16" (bfloat16) or an unregistered complex type. For those cases only, a
 * small reader below walks the graph's declared inputs and outputs straight from the protobuf wire
 * format (skipping weights), so the runtime needs no protobuf library.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { SibylError } from '../errors';
import { fromOrtType, OIP_DATATYPES, type ModelSignature, type TensorSpec } from './datatypes';
import { ortErrorMessage } from './executionProviders';
import { bytesOf, createOrtSession, type ModelFile, type ModelSource } from './modelSource';

/**
 * The bytes are not a model Sibyl can serve: not ONNX, truncated, rejected by ONNX Runtime, or using
 * a non-tensor or unsupported tensor type. Code `InvalidModel` (400); `cause` keeps ORT's own error.
 */
export class InvalidModelError extends SibylError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidModel', message);
    this.name = 'InvalidModelError';
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

type Metadata = readonly InferenceSession.ValueMetadata[];

/**
 * Opens `bytes` on CPU just long enough to read the signature.
 *
 * @example
 * const sig = await readSignature(bytes);
 * // { inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 6] }], outputs: [...] }
 * @throws InvalidModelError when ONNX Runtime cannot open the file or a type cannot be served.
 */
export async function readSignature(bytes: ModelSource): Promise<ModelSignature> {
  assertModelSource(bytes);
  let session: InferenceSession;
  try {
    // Optimizations only cost time here; kernels are still resolved, so unrunnable graphs still fail.
    session = await createOrtSession(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 4,
    });
  } catch (error) {
    throw toInvalidModelError(error, bytes);
  }
  try {
    return signatureOf(session, bytes);
  } finally {
    await session.release();
  }
}

/** `assertModelBytes` for bytes; a file is checked by ONNX Runtime itself. */
export function assertModelSource(source: unknown): asserts source is ModelSource {
  if (
    typeof source === 'object' &&
    source !== null &&
    !(source instanceof Uint8Array) &&
    typeof (source as ModelFile).file === 'string'
  )
    return;
  assertModelBytes(source);
}

/** Throws `InvalidModelError` for input that cannot even be handed to ONNX Runtime. */
export function assertModelBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new InvalidModelError('The model must be given as bytes (Uint8Array)');
  if (bytes.length === 0) throw new InvalidModelError('The model file is empty');
}

/** The signature of an open session; `bytes` are its model, read only to settle rank or type questions. */
export function signatureOf(
  session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>,
  source: ModelSource,
): ModelSignature {
  const needsWire = [...session.inputMetadata, ...session.outputMetadata].some(
    (m) => !m.isTensor || m.shape.length === 0,
  );
  const wire = needsWire ? readGraphIo(bytesOf(source)) : undefined;
  return {
    inputs: specsOf(session.inputMetadata, 'Input', wire?.inputs),
    outputs: specsOf(session.outputMetadata, 'Output', wire?.outputs),
  };
}

function specsOf(metadata: Metadata, role: 'Input' | 'Output', wire: WireValue[] | undefined): TensorSpec[] {
  return metadata.map((m) => {
    const declared = wire?.find((w) => w.name === m.name);
    if (!m.isTensor) {
      throw new InvalidModelError(
        `${role} '${m.name}' is a ${declared?.kind ?? 'non-tensor value'}, not a tensor; Sibyl serves tensor inputs and outputs only`,
      );
    }
    const datatype = fromOrtType(m.type);
    if (!datatype) throw unsupportedType(role, m.name, m.type);
    const spec: TensorSpec = { name: m.name, datatype, shape: m.shape.map((d) => (typeof d === 'number' ? d : -1)) };
    if (m.shape.length === 0 && declared?.kind === 'tensor' && declared.rank === undefined) spec.unknownRank = true;
    return spec;
  });
}

function unsupportedType(role: string, name: string, type: string): InvalidModelError {
  return new InvalidModelError(
    `${role} '${name}' has element type ${type}, which Sibyl cannot serve; supported: ${OIP_DATATYPES.join(', ')}`,
  );
}

/** Maps an error from `InferenceSession.create` to an `InvalidModelError` that says what to fix. */
export function toInvalidModelError(error: unknown, source: ModelSource): InvalidModelError {
  if (error instanceof InvalidModelError) return error;
  const message = ortErrorMessage(error);
  if (/protobuf parsing failed/i.test(message)) {
    return new InvalidModelError(
      'The file is not an ONNX model, or it is truncated (ONNX Runtime could not parse it)',
      { cause: error },
    );
  }
  let wire: ReturnType<typeof readGraphIo>;
  try {
    wire = readGraphIo(bytesOf(source));
  } catch {
    wire = undefined;
  }
  for (const [role, values] of [
    ['Input', wire?.inputs ?? []],
    ['Output', wire?.outputs ?? []],
  ] as const) {
    for (const v of values) {
      if (v.kind !== 'tensor')
        return new InvalidModelError(
          `${role} '${v.name}' is a ${v.kind}, not a tensor; Sibyl serves tensor inputs and outputs only`,
          { cause: error },
        );
      if (v.elemType !== undefined && v.elemType in UNSUPPORTED_ELEMENT_TYPES) {
        return new InvalidModelError(unsupportedType(role, v.name, UNSUPPORTED_ELEMENT_TYPES[v.elemType]!).message, {
          cause: error,
        });
      }
    }
  }
  return new InvalidModelError(`ONNX Runtime cannot open the model: ${message}`, { cause: error });
}

/** TensorProto.DataType numbers that ONNX allows and Sibyl does not serve. */
const UNSUPPORTED_ELEMENT_TYPES: Readonly<Record<number, string>> = {
  0: 'undefined',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

// ---- A minimal protobuf walk over ModelProto.graph.{input, output}, for the questions above. ----

/** A declared graph input or output; `rank` is undefined when no shape is declared. */
interface WireValue {
  name: string;
  kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse tensor' | 'value of unknown type';
  elemType?: number;
  rank?: number;
}

interface Field {
  no: number;
  /** The value of a varint field. */
  value: number;
  /** Payload bounds of a length-delimited field. */
  start: number;
  end: number;
}

function varint(buf: Uint8Array, pos: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0, scale = 1; i < 10 && pos < end; i++, scale *= 128) {
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
  }
  throw new RangeError('bad varint');
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = varint(buf, pos, end);
    const no = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      const [value, next] = varint(buf, afterKey, end);
      pos = next;
      yield { no, value, start: next, end: next };
    } else if (wireType === 2) {
      const [length, next] = varint(buf, afterKey, end);
      pos = next + length;
      if (pos > end) throw new RangeError('field overruns its message');
      yield { no, value: 0, start: next, end: pos };
    } else if (wireType === 1 || wireType === 5) {
      pos = afterKey + (wireType === 1 ? 8 : 4);
    } else {
      throw new RangeError(`unsupported wire type ${wireType}`);
    }
  }
  if (pos !== end) throw new RangeError('message overruns its bounds');
}

function first(buf: Uint8Array, within: Field, no: number): Field | undefined {
  for (const f of fields(buf, within.start, within.end)) if (f.no === no) return f;
  return undefined;
}

const utf8 = new TextDecoder();
const text = (buf: Uint8Array, f: Field | undefined): string => (f ? utf8.decode(buf.subarray(f.start, f.end)) : '');

function valueOf(buf: Uint8Array, info: Field): WireValue {
  const name = text(buf, first(buf, info, 1));
  const type = first(buf, info, 2);
  const kinds: Record<number, WireValue['kind']> = {
    1: 'tensor',
    4: 'sequence',
    5: 'map',
    8: 'sparse tensor',
    9: 'optional',
  };
  const value = type ? [...fields(buf, type.start, type.end)].find((f) => f.no in kinds) : undefined;
  if (!value) return { name, kind: 'value of unknown type' };
  if (value.no !== 1) return { name, kind: kinds[value.no]! };
  const result: WireValue = { name, kind: 'tensor', elemType: first(buf, value, 1)?.value ?? 0 };
  const shape = first(buf, value, 2);
  if (shape) result.rank = [...fields(buf, shape.start, shape.end)].filter((f) => f.no === 1).length;
  return result;
}

/** Declared inputs (weights excluded) and outputs of the main graph; undefined if the bytes are not a model. */
function readGraphIo(buf: Uint8Array): { inputs: WireValue[]; outputs: WireValue[] } | undefined {
  try {
    const graph = first(buf, { no: 0, value: 0, start: 0, end: buf.length }, 7);
    if (!graph) return undefined;
    const weights = new Set<string>();
    const inputs: WireValue[] = [];
    const outputs: WireValue[] = [];
    for (const f of fields(buf, graph.start, graph.end)) {
      if (f.no === 5) weights.add(text(buf, first(buf, f, 8)));
      else if (f.no === 11) inputs.push(valueOf(buf, f));
      else if (f.no === 12) outputs.push(valueOf(buf, f));
    }
    return { inputs: inputs.filter((v) => !weights.has(v.name)), outputs };
  } catch {
    return undefined;
  }
}
