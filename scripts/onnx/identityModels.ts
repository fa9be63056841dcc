/**
 * Small models that check how tensors cross the ONNX Runtime boundary: identity for each datatype,
 * two inputs and outputs, a fixed batch dimension, and int64 arithmetic past 2^53.
 */
import { GraphBuilder, type Dim, type ElementType } from './graphBuilder';

/**
 * One `Identity` node: input `input` → output `output`, both of `datatype` and `shape`
 * (default `['batch', 3]`; a string or `null` dim is dynamic).
 *
 * @example identityModel('FP16') // FP16 [-1, 3] in, same out
 */
export function identityModel(datatype: ElementType, shape: readonly Dim[] = ['batch', 3]): Uint8Array {
  return new GraphBuilder('identity')
    .input('input', datatype, shape)
    .node('Identity', ['input'], ['output'])
    .output('output', datatype, shape)
    .build();
}

/** Inputs `x`, `y` FP32 `[-1, 3]` → outputs `sum` = x + y and `product` = x · y, FP32 `[-1, 3]`. */
export function twoInputModel(): Uint8Array {
  return new GraphBuilder('two_in_two_out')
    .input('x', 'FP32', ['batch', 3])
    .input('y', 'FP32', ['batch', 3])
    .node('Add', ['x', 'y'], ['sum'])
    .node('Mul', ['x', 'y'], ['product'])
    .output('sum', 'FP32', ['batch', 3])
    .output('product', 'FP32', ['batch', 3])
    .build();
}

/** A model that cannot batch: input `x` FP32 `[2, 3]` (fixed) → output `doubled` = 2x, FP32 `[2, 3]`. */
export function fixedBatchModel(): Uint8Array {
  return new GraphBuilder('fixed_batch')
    .input('x', 'FP32', [2, 3])
    .initializer('two', new Float32Array([2]), [])
    .node('Mul', ['x', 'two'], ['doubled'])
    .output('doubled', 'FP32', [2, 3])
    .build();
}

/**
 * Integer arithmetic that a float64 JSON number would get wrong: input `ids` INT64 `[-1, 2]` →
 * output `next` = ids + 1, INT64 `[-1, 2]` (2^53 + 1 → 2^53 + 2 exactly).
 */
export function int64Model(): Uint8Array {
  return new GraphBuilder('int64_add')
    .input('ids', 'INT64', ['batch', 2])
    .initializer('one', new BigInt64Array([1n]), [])
    .node('Add', ['ids', 'one'], ['next'])
    .output('next', 'INT64', ['batch', 2])
    .build();
}
