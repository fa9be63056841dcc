/** ONNX models that fail on purpose, for the tests of what a deployment does with a broken model. */
import { GraphBuilder } from '../../scripts/onnx/graphBuilder';

/** Opens fine, but its warm-up run fails: any batch is reshaped to 7 elements. */
export function failsAtRunModel(): Uint8Array {
  return new GraphBuilder('bad_reshape')
    .input('x', 'FP32', ['batch', 3])
    .initializer('shape', new BigInt64Array([7n]), [1])
    .node('Reshape', ['x', 'shape'], ['y'])
    .output('y', 'FP32', [7])
    .build();
}
