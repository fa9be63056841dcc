/** An ONNX model whose weights are external data, for the tests of where such data may be read from. */
import { GraphBuilder } from '../../scripts/onnx/graphBuilder';

/** `y = x * w` over `[n, 3]` floats, `w` (3 floats) read from the file at `location` (relative to the model). */
export function externalWeightsModel(location: string): Uint8Array {
  return new GraphBuilder('external_weights')
    .input('x', 'FP32', ['n', 3])
    .externalInitializer('w', [3], location)
    .node('Mul', ['x', 'w'], ['y'])
    .output('y', 'FP32', ['n', 3])
    .build();
}
