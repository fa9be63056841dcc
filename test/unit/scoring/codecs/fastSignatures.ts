/** Signatures the fast decoders' tests share: one float input with a batch dim, and two of mixed float types. */
import type { ModelSignature } from '../../../../shared/scoring/datatypes';

export const one: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};

export const two: ModelSignature = {
  inputs: [
    { name: 'a', datatype: 'FP64', shape: [2, 2] },
    { name: 'b', datatype: 'FP32', shape: [-1] },
  ],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};
