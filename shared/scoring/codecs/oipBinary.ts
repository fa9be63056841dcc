/**
 * The Open Inference Protocol's binary tensor data extension (Triton's and KServe's `binary_data`):
 * a request body is a JSON header of `Inference-Header-Content-Length` bytes followed by the raw
 * tensors, in input order, each input naming its byte count in `parameters.binary_data_size`;
 * fixed-size types are little-endian element arrays, BYTES elements are a 4-byte little-endian length
 * then the bytes. Outputs asked for with `binary_data_output` (request) or `binary_data` (per output)
 * come back the same way. Large tensors never become JSON numbers.
 */
import { DATATYPES, TYPED_ARRAYS, type NamedTensor, type OipDatatype, type TensorData } from '../datatypes';
import { InvalidInputError, ShapeMismatchError } from '../scoringErrors';
import type { OipInferResponse } from './oipCodec';

export const BINARY_HEADER = 'inference-header-content-length';

/** The name the server metadata lists in `extensions`. */
export const BINARY_EXTENSION = 'binary_tensor_data';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Splits a binary-extension body at its header length (the header's value, as text). */
export function splitBinaryBody(raw: Uint8Array, headerLength: string): { json: unknown; binary: Uint8Array } {
  const length = Number(headerLength);
  if (!/^\d+$/.test(headerLength.trim()) || !Number.isSafeInteger(length) || length < 2 || length > raw.length) {
    throw new InvalidInputError(
      `Inference-Header-Content-Length must be the byte length of the JSON header (2..${raw.length}), got '${headerLength.slice(0, 40)}'`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw.subarray(0, length)));
  } catch {
    throw new InvalidInputError(`the first ${length} bytes (Inference-Header-Content-Length) are not a JSON header`);
  }
  return { json, binary: raw.subarray(length) };
}

/** One tensor's elements from its raw bytes (copied, so the typed array is aligned). */
export function tensorFromBytes(datatype: OipDatatype, count: number, bytes: Uint8Array, where: string): TensorData {
  if (!LITTLE_ENDIAN) throw new InvalidInputError('binary tensor data needs a little-endian host');
  if (datatype === 'BYTES') return stringsFromBytes(count, bytes, where);
  const size = DATATYPES[datatype].bytes;
  if (bytes.length !== count * size) {
    throw new ShapeMismatchError(
      `${where}: binary_data_size is ${bytes.length} bytes but ${count} ${datatype} elements take ${count * size}`,
    );
  }
  const Array_ = TYPED_ARRAYS[datatype];
  // A copy: a Buffer view may sit at any offset of a shared pool, and `Buffer.slice` does not copy.
  const data = new Array_(new Uint8Array(bytes).buffer);
  if (datatype === 'BOOL' && (data as Uint8Array).some((b) => b > 1))
    throw new InvalidInputError(`${where}: BOOL bytes must be 0 or 1`);
  return data;
}

function stringsFromBytes(count: number, bytes: Uint8Array, where: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length)
      throw new ShapeMismatchError(`${where}: binary data ends before element ${i} of ${count}`);
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.length) throw new ShapeMismatchError(`${where}: element ${i} overruns the binary data`);
    out.push(decoder.decode(bytes.subarray(at, at + length)));
    at += length;
  }
  if (at !== bytes.length)
    throw new ShapeMismatchError(`${where}: ${bytes.length - at} bytes left after ${count} elements`);
  return out;
}

/** A tensor's raw bytes, as the extension carries them. */
export function tensorToBytes(datatype: OipDatatype, data: TensorData): Uint8Array {
  if (datatype !== 'BYTES') {
    const typed = data as Exclude<TensorData, string[]>;
    return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }
  const encoded = (data as string[]).map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.alloc(encoded.reduce((sum, b) => sum + 4 + b.length, 0));
  let at = 0;
  for (const b of encoded) {
    out.writeUInt32LE(b.length, at);
    b.copy(out, at + 4);
    at += 4 + b.length;
  }
  return out;
}

/**
 * The response as a JSON header plus the raw bytes of the outputs in `binary` (their JSON entries
 * carry `parameters.binary_data_size` instead of `data`).
 */
export function encodeBinaryResponse(
  response: OipInferResponse,
  tensors: readonly NamedTensor[],
  binary: ReadonlySet<string>,
): { body: Buffer; headerLength: number } {
  const chunks: Uint8Array[] = [];
  const outputs = response.outputs.map((o) => {
    const tensor = tensors.find((t) => t.name === o.name);
    if (!tensor || !binary.has(o.name)) return o;
    const bytes = tensorToBytes(tensor.datatype, tensor.data);
    chunks.push(bytes);
    const { data: _json, ...rest } = o;
    return { ...rest, parameters: { binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...response, outputs }), 'utf8');
  return { body: Buffer.concat([header, ...chunks]), headerLength: header.length };
}
