/**
 * Tensor datatypes: the Open Inference Protocol names used on the wire and in `ModelVersion`
 * signatures, mapped to ONNX Runtime's tensor types and the typed arrays that hold them.
 * Changing a name here changes the public API.
 */

export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** ONNX Runtime's names for the same types (`Tensor.type`). */
export type OrtTensorType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'string';

export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

/** The typed arrays that hold numeric tensors. */
export type NumericData = Exclude<TensorData, string[]>;

/** A numeric datatype's typed array: new ones of a length, or views of raw bytes. */
export interface NumericArrayConstructor {
  new (length: number): NumericData;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): NumericData;
}

interface DatatypeInfo {
  ort: OrtTensorType;
  /** ONNX TensorProto.DataType enum value. */
  onnx: number;
  /** Bytes per element; 0 for variable-length strings. */
  bytes: number;
}

export const DATATYPES: Readonly<Record<OipDatatype, DatatypeInfo>> = Object.freeze({
  BOOL: { ort: 'bool', onnx: 9, bytes: 1 },
  UINT8: { ort: 'uint8', onnx: 2, bytes: 1 },
  UINT16: { ort: 'uint16', onnx: 4, bytes: 2 },
  UINT32: { ort: 'uint32', onnx: 12, bytes: 4 },
  UINT64: { ort: 'uint64', onnx: 13, bytes: 8 },
  INT8: { ort: 'int8', onnx: 3, bytes: 1 },
  INT16: { ort: 'int16', onnx: 5, bytes: 2 },
  INT32: { ort: 'int32', onnx: 6, bytes: 4 },
  INT64: { ort: 'int64', onnx: 7, bytes: 8 },
  FP16: { ort: 'float16', onnx: 10, bytes: 2 },
  FP32: { ort: 'float32', onnx: 1, bytes: 4 },
  FP64: { ort: 'float64', onnx: 11, bytes: 8 },
  BYTES: { ort: 'string', onnx: 8, bytes: 0 },
});

/** The typed array that holds each numeric datatype: FP16 as raw IEEE half bits, BOOL as 0/1 bytes. */
export const TYPED_ARRAYS: Readonly<Record<Exclude<OipDatatype, 'BYTES'>, NumericArrayConstructor>> = Object.freeze({
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
});

export const OIP_DATATYPES = Object.keys(DATATYPES) as OipDatatype[];

const BY_ORT = new Map<string, OipDatatype>(OIP_DATATYPES.map((d) => [DATATYPES[d].ort, d]));
const BY_ONNX = new Map<number, OipDatatype>(OIP_DATATYPES.map((d) => [DATATYPES[d].onnx, d]));

export function isOipDatatype(value: unknown): value is OipDatatype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DATATYPES, value);
}

/** `'float32'` → `'FP32'`; undefined for types Sibyl cannot serve (e.g. complex). */
export function fromOrtType(type: string): OipDatatype | undefined {
  return BY_ORT.get(type);
}

/** ONNX `TensorProto.DataType` number → OIP name; undefined for unsupported ones. */
export function fromOnnxElementType(elementType: number): OipDatatype | undefined {
  return BY_ONNX.get(elementType);
}

/**
 * Allocates the typed array ONNX Runtime expects for `datatype`. FP16 is held as raw IEEE half
 * bits in a Uint16Array (what onnxruntime-node accepts for 'float16'); BOOL as 0/1 bytes.
 */
export function allocate(datatype: OipDatatype, length: number): TensorData {
  return datatype === 'BYTES' ? new Array<string>(length).fill('') : new TYPED_ARRAYS[datatype](length);
}

/** A tensor in Sibyl's hands: OIP datatype, concrete shape, flat row-major data. */
export interface NamedTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: TensorData;
}

/** One input or output of a model signature; `-1` marks a dynamic dimension. */
export interface TensorSpec {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  /**
   * Set (to `true`) only when the model declares no shape at all, so any rank is accepted; `shape` is
   * then `[]`. Absent for every tensor of known rank, scalars (`shape: []`) included.
   */
  unknownRank?: true;
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}
