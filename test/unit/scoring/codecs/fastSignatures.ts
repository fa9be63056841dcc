/** Signatures the fast decoders' tests share: one float input with a batch dim, and two of mixed float types. */
import { signatureOf } from './signatures';

export const one = signatureOf({ name: 'x', datatype: 'FP32', shape: [-1, 3] });
export const two = signatureOf(
  { name: 'a', datatype: 'FP64', shape: [2, 2] },
  { name: 'b', datatype: 'FP32', shape: [-1] },
);
