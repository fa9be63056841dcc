/**
 * The Open Inference Protocol v2 (KServe/Triton REST) as a data-plane adapter, with the binary tensor
 * data extension: a body is JSON, or a JSON header of `Inference-Header-Content-Length` bytes then
 * raw tensors; outputs asked for as binary come back the same way.
 */
import { encodeBinaryResponse, splitBinaryBody } from '../codecs/oipBinary';
import { decodeOipRequest, encodeOipResponse, type OipInferRequest, type OipInferResponse } from '../codecs/oipCodec';
import type { Protocol } from '../dataPlane';
import { parseJsonBytes } from './jsonBytes';

/** An OIP body once read: its JSON, and with the binary extension the bytes after the JSON header. */
export interface OipBody {
  json: unknown;
  binary?: Uint8Array;
}

/** The answer: its JSON, and when outputs were asked for as binary, the whole body in the extension's form. */
export interface OipAnswer {
  json: OipInferResponse;
  binary?: { body: Buffer; headerLength: number };
}

export const oipProtocol: Protocol<OipBody, OipInferRequest, OipAnswer> = {
  parse(body) {
    if (body.binaryHeader !== null && body.binaryHeader !== undefined)
      return splitBinaryBody(body.bytes, body.binaryHeader);
    return { json: parseJsonBytes(body.bytes, 'inference request') };
  },
  decode: (parsed, target, limits) =>
    decodeOipRequest(parsed.json, { signature: target.signature, ...limits, binary: parsed.binary }),
  encode(outputs, request, names) {
    const binaryNames = new Set(
      request.binaryOutputs === 'all' ? outputs.map((o) => o.name) : (request.binaryOutputs ?? []),
    );
    const json = encodeOipResponse(outputs, {
      modelName: names.modelName,
      ...(names.modelVersion !== undefined && { modelVersion: names.modelVersion }),
      id: request.id ?? names.id,
      parameters: request.parameters,
      outputs: request.outputs,
      binary: binaryNames,
    });
    if (!binaryNames.size) return { json };
    return { json, binary: encodeBinaryResponse(json, outputs, binaryNames) };
  },
};
