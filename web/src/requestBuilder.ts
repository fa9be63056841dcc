/**
 * Builds an example scoring request from a model signature, as Azure ML studio's Test tab does: one
 * row (a dynamic dimension becomes 1) of plausible values per input, in the Azure ML body
 * (`{"input_data": {"<input>": rows}}`) or the Open Inference Protocol's (`{"inputs": [...]}`).
 */
import type { TensorMetadata } from './api/types';

export type Protocol = 'azureml' | 'oip';

/** The shape with every dynamic dimension set to 1 (one row). */
export function concreteShape(shape: readonly number[]): number[] {
  return shape.length === 0 ? [1] : shape.map((d) => (d < 0 ? 1 : d));
}

/** The `i`-th example value for a datatype: small whole numbers, booleans, or text. */
export function exampleValue(datatype: string, i: number): number | boolean | string {
  if (datatype === 'BOOL') return i % 2 === 1;
  if (datatype === 'BYTES') return `example ${i + 1}`;
  return (i % 9) + 1;
}

/** Flat example data for a tensor (row-major). */
export function exampleData(tensor: TensorMetadata): (number | boolean | string)[] {
  const size = concreteShape(tensor.shape).reduce((a, b) => a * b, 1);
  return Array.from({ length: Math.min(size, 10_000) }, (_, i) => exampleValue(tensor.datatype, i));
}

/** Turns flat data into nested arrays of `shape`. */
export function nest<T>(flat: readonly T[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return [...flat];
  const [, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < flat.length; i += stride) out.push(nest(flat.slice(i, i + stride), rest));
  return out;
}

/** The example request body for `inputs` in the chosen protocol. */
export function exampleRequest(inputs: readonly TensorMetadata[], protocol: Protocol): unknown {
  if (protocol === 'oip') {
    return {
      inputs: inputs.map((t) => ({
        name: t.name,
        shape: concreteShape(t.shape),
        datatype: t.datatype,
        data: exampleData(t),
      })),
    };
  }
  return { input_data: Object.fromEntries(inputs.map((t) => [t.name, nest(exampleData(t), concreteShape(t.shape))])) };
}

/** Where the request goes: the scoring URI, or the OIP infer route (pinned to a deployment when given). */
export function requestUrl(
  endpoint: { name: string; scoringUri: string },
  protocol: Protocol,
  deployment?: string,
): string {
  if (protocol === 'azureml') return `/api/endpoints/${encodeURIComponent(endpoint.name)}/score`;
  const base = `/api/v2/models/${encodeURIComponent(endpoint.name)}`;
  return deployment ? `${base}/versions/${encodeURIComponent(deployment)}/infer` : `${base}/infer`;
}
