/**
 * Valid models whose valid inputs exclude the zeros a synthetic warm-up feeds (the ONNX node-test
 * cases Sibyl once refused), each with an input that is valid for it. Dev-time fixtures.
 */
import type { NamedTensor } from '../../shared/scoring/datatypes';
import { attr, GraphBuilder } from './graphBuilder';

export interface WarmUpCase {
  name: string;
  model: Uint8Array;
  /** Feeds ONNX Runtime accepts, to compare Sibyl's answer with in-process ONNX Runtime's. */
  valid: NamedTensor[];
}

export function warmUpCases(): WarmUpCase[] {
  return [
    {
      name: 'mod-int',
      model: new GraphBuilder('mod')
        .input('a', 'INT32', ['n'])
        .input('b', 'INT32', ['n'])
        .node('Mod', ['a', 'b'], ['y'])
        .output('y', 'INT32', ['n'])
        .build(),
      valid: [
        { name: 'a', datatype: 'INT32', shape: [3], data: new Int32Array([7, 9, -5]) },
        { name: 'b', datatype: 'INT32', shape: [3], data: new Int32Array([3, 4, 3]) },
      ],
    },
    {
      name: 'onehot',
      model: new GraphBuilder('onehot')
        .input('indices', 'INT64', ['n'])
        .input('depth', 'INT64', [1])
        .initializer('values', new Float32Array([0, 1]), [2])
        .node('OneHot', ['indices', 'depth', 'values'], ['y'])
        .output('y', 'FP32', ['n', 'd'])
        .build(),
      valid: [
        { name: 'indices', datatype: 'INT64', shape: [2], data: new BigInt64Array([1n, 2n]) },
        { name: 'depth', datatype: 'INT64', shape: [1], data: new BigInt64Array([3n]) },
      ],
    },
    {
      name: 'unsqueeze',
      model: new GraphBuilder('unsqueeze')
        .input('x', 'FP32', ['n'])
        .input('axes', 'INT64', [2])
        .node('Unsqueeze', ['x', 'axes'], ['y'])
        .output('y', 'FP32', [null, null, null])
        .build(),
      valid: [
        { name: 'x', datatype: 'FP32', shape: [2], data: new Float32Array([1.5, -2]) },
        { name: 'axes', datatype: 'INT64', shape: [2], data: new BigInt64Array([0n, 2n]) },
      ],
    },
    {
      name: 'resize',
      model: new GraphBuilder('resize')
        .input('x', 'FP32', [1, 1, 'h', 'w'])
        .input('scales', 'FP32', [4])
        .node('Resize', ['x', '', 'scales'], ['y'], { mode: attr.string('nearest') })
        .output('y', 'FP32', [1, 1, null, null])
        .build(),
      valid: [
        { name: 'x', datatype: 'FP32', shape: [1, 1, 2, 2], data: new Float32Array([1, 2, 3, 4]) },
        { name: 'scales', datatype: 'FP32', shape: [4], data: new Float32Array([1, 1, 2, 2]) },
      ],
    },
  ];
}
