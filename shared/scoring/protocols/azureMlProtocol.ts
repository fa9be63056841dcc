/**
 * The Azure ML / MLflow JSON protocol of `POST api/endpoints/{name}/score` as a data-plane adapter:
 * the body forms of `azureMlCodec.ts`, addressed by column names where the model has an MLflow
 * column signature (`mlflowColumns.ts`).
 */
import { decodeAzureMlRequest, encodeAzureMlResponse, type AzureMlResponse } from '../codecs/azureMlCodec';
import { orderColumns } from '../codecs/mlflowColumns';
import { parseJsonBytes } from './jsonBytes';
import type { DecodedRequest, Protocol } from '../dataPlane';

export const azureMlProtocol: Protocol<unknown, DecodedRequest, AzureMlResponse> = {
  parse: (body) => parseJsonBytes(body.bytes, 'scoring request'),
  decode(json, target, limits) {
    const { signature, columns } = target;
    const body = columns?.length
      ? orderColumns(
          json,
          columns,
          signature.inputs.map((s) => s.name),
        )
      : json;
    return { inputs: decodeAzureMlRequest(body, signature, limits) };
  },
  encode: (outputs) => encodeAzureMlResponse(outputs),
};
