/**
 * The Azure ML / MLflow JSON protocol of `POST api/endpoints/{name}/score` as a data-plane adapter:
 * the body forms of `azureMlCodec.ts`, addressed by column names where the model has an MLflow
 * column signature (`mlflowColumns.ts`).
 */
import { parseJsonBody } from '../../api/validate';
import { decodeAzureMlRequest, encodeAzureMlResponse, type AzureMlResponse } from '../codecs/azureMlCodec';
import { orderColumns } from '../codecs/mlflowColumns';
import type { DecodedRequest, Protocol } from '../dataPlane';

export const azureMlProtocol: Protocol<unknown, DecodedRequest, AzureMlResponse> = {
  parse: (body) => parseJsonBody(new TextDecoder().decode(body.bytes), 'scoring request'),
  decode(json, target, limits) {
    const names = target.signature.inputs.map((s) => s.name);
    return { inputs: decodeAzureMlRequest(orderColumns(json, target.columns, names), target.signature, limits) };
  },
  encode: (outputs) => encodeAzureMlResponse(outputs),
};
