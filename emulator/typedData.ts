/** Conversions between host-side values and `RpcTypedData` (docs/local-host-contract.md, "The Node worker protocol"). */
import type { RpcTypedData } from './core/rpcTypes';

/** Decodes a returned typed value as the host would see it (bytes stay bytes). */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json) as unknown;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.int !== undefined && data.int !== null) return Number(data.int);
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64.map(Number);
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  return undefined;
}

/** Encodes a value the way the worker's `toRpcTypedData` does. */
export function toTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { string: value };
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) {
    const view = value;
    return { bytes: new Uint8Array(view.buffer, view.byteOffset, view.byteLength) };
  }
  if (value instanceof ArrayBuffer) return { bytes: new Uint8Array(value) };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  return { json: JSON.stringify(value) };
}

/** A JSON value passed as `{string}`, the way the host hands durable payloads to the library. */
export function toStringTypedData(value: unknown): RpcTypedData {
  if (value === undefined || value === null) return {};
  return { string: typeof value === 'string' ? value : JSON.stringify(value) };
}
