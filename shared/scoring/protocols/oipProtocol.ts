/**
 * The Open Inference Protocol v2 (KServe/Triton REST) as a data-plane adapter, with the binary tensor
 * data extension: a body is JSON, or a JSON header of `Inference-Header-Content-Length` bytes then
 * raw tensors; outputs asked for as binary come back the same way.
 */
import { encodeBinaryResponse, splitBinaryBody } from '../codecs/oipBinary';
import {
  decodeOipRequest,
  encodeOipResponse,
  selectOutputs,
  type OipInferRequest,
  type OipInferResponse,
  type OipResponseMeta,
} from '../codecs/oipCodec';
import { decodeOipBytes } from '../codecs/oipBytesDecode';
import { oipResponseText } from '../codecs/oipResponseText';
import type { NamedTensor } from '../datatypes';
import type { Protocol } from '../dataPlane';
import { parseJsonBytes } from './jsonBytes';

/** An OIP body once read: its JSON, and with the binary extension the bytes after the JSON header. */
export interface OipBody {
  readonly json: unknown;
  binary?: Uint8Array;
  /** The request, when the body was the common form and was decoded as it was read (`oipBytesDecode.ts`). */
  readonly decoded?: OipInferRequest;
}

/** A body decoded from its bytes: its JSON is parsed only if someone reads it. */
class DecodedBody implements OipBody {
  #json: unknown;

  constructor(
    private readonly bytes: Uint8Array,
    readonly decoded: OipInferRequest,
  ) {}

  get json(): unknown {
    return (this.#json ??= parseJsonBytes(this.bytes, 'inference request'));
  }
}

/**
 * The answer: its JSON, and when outputs were asked for as binary, the whole body in the extension's form.
 * A JSON answer also has `text`, its JSON text written straight from the tensors; each form is built
 * when first read, so a server that sends the text never builds the objects (nor the other way round).
 */
export interface OipAnswer {
  readonly json: OipInferResponse;
  readonly binary?: { body: Buffer; headerLength: number };
  /** `JSON.stringify(json)`, written without building `json`; absent for a binary answer. */
  readonly text?: string;
}

/** A JSON answer whose forms are written when first read (a class: an object literal's getters cost more to make). */
class JsonAnswer implements OipAnswer {
  #json: OipInferResponse | undefined;
  #text: string | undefined;

  constructor(
    /** Already `meta.outputs`' choice: the encoders are not asked to choose again. */
    private readonly selected: readonly NamedTensor[],
    private readonly meta: OipResponseMeta,
  ) {}

  get json(): OipInferResponse {
    return (this.#json ??= encodeOipResponse(this.selected, { ...this.meta, outputs: undefined }));
  }

  get text(): string {
    return (this.#text ??= oipResponseText(this.selected, this.meta));
  }
}

export const oipProtocol: Protocol<OipBody, OipInferRequest, OipAnswer> = {
  parse(body, target, limits) {
    if (body.binaryHeader !== null && body.binaryHeader !== undefined)
      return splitBinaryBody(body.bytes, body.binaryHeader);
    const decoded = target && decodeOipBytes(body.bytes, target.signature, limits?.maxElements);
    if (decoded) return new DecodedBody(body.bytes, decoded);
    return { json: parseJsonBytes(body.bytes, 'inference request') };
  },
  decode: (parsed, target, limits) =>
    parsed.decoded ?? decodeOipRequest(parsed.json, { signature: target.signature, ...limits, binary: parsed.binary }),
  encode(outputs, request, names) {
    const binaryNames = new Set(
      request.binaryOutputs === 'all' ? outputs.map((o) => o.name) : (request.binaryOutputs ?? []),
    );
    const meta: OipResponseMeta = {
      modelName: names.modelName,
      ...(names.modelVersion !== undefined && { modelVersion: names.modelVersion }),
      id: request.id ?? names.id,
      parameters: request.parameters,
      outputs: request.outputs,
      binary: binaryNames,
    };
    // Chosen now, so that an unknown output name is refused here, whichever form is read later.
    const selected = selectOutputs(outputs, request.outputs);
    if (!binaryNames.size) return new JsonAnswer(selected, meta);
    const json = encodeOipResponse(selected, { ...meta, outputs: undefined });
    return { json, binary: encodeBinaryResponse(json, outputs, binaryNames) };
  },
};
