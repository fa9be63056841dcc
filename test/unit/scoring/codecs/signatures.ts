/** Model signatures for the codec tests: the inputs each test needs, and one FP32 output `y` per row. */
import type { ModelSignature, TensorSpec } from '../../../../shared/scoring/datatypes';

export function signatureOf(...inputs: TensorSpec[]): ModelSignature {
  return { inputs, outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }] };
}

/** One 2-D input of four features, like most sklearn/ONNX exports. */
export const single = signatureOf({ name: 'x', datatype: 'FP32', shape: [-1, 4] });
