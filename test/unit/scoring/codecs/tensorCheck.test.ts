import * as datatypes from '../../../../shared/scoring/datatypes';
import type { ModelSignature, NamedTensor } from '../../../../shared/scoring/datatypes';
import { decodeOipRequest } from '../../../../shared/scoring/codecs/oipCodec';
import { decodeAzureMlRequest } from '../../../../shared/scoring/codecs/azureMlCodec';
import {
  DEFAULT_MAX_ELEMENTS,
  ElementBudget,
  checkAgainstSpec,
  checkShape,
  checkTensors,
} from '../../../../shared/scoring/codecs/tensorCheck';
import { toErrorBody } from '../../../../shared/errors';
import {
  DatatypeMismatchError,
  InvalidInputError,
  PayloadTooLargeError,
  ShapeMismatchError,
} from '../../../../shared/scoring/scoringErrors';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};

/**
 * Runs `fn` (expected to throw) and reports how much memory moved and what it allocated. "At once" is shown
 * by nothing being allocated, not by a stopwatch a loaded machine can overrun.
 */
function measure(fn: () => unknown): { error: unknown; grewBytes: number; allocated: number } {
  const spy = jest.spyOn(datatypes, 'allocate');
  const before = process.memoryUsage();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  const after = process.memoryUsage();
  const grewBytes = Math.max(after.arrayBuffers - before.arrayBuffers, after.heapUsed - before.heapUsed);
  const allocated = spy.mock.calls.reduce((n, [, length]) => n + length, 0);
  spy.mockRestore();
  return { error, grewBytes, allocated };
}

describe('checkShape', () => {
  it('counts elements', () => {
    expect(checkShape([2, 3, 4], 'x')).toBe(24);
    expect(checkShape([], 'x')).toBe(1);
    expect(checkShape([1e12, 0], 'x')).toBe(0);
  });

  it.each([[[-1]], [[1.5]], [['2']], [[NaN]], [[2 ** 60]], ['3'], [null]])('refuses %p', (shape) => {
    expect(() => checkShape(shape, "input 'x'")).toThrow(InvalidInputError);
  });

  it('refuses counts over the cap as 413', () => {
    expect(() => checkShape([DEFAULT_MAX_ELEMENTS + 1], "input 'x'")).toThrow(PayloadTooLargeError);
    expect(() => checkShape([10, 10], "input 'x'", 99)).toThrow(
      "input 'x': shape [10,10] declares more than the 99 elements allowed per request",
    );
    expect(new PayloadTooLargeError('m').status).toBe(413);
  });

  it('caps the total across inputs', () => {
    const budget = new ElementBudget({ maxElements: 10 });
    expect(budget.take([6], 'a')).toBe(6);
    expect(() => budget.take([5], 'b')).toThrow('the request declares 11 elements in all, more than the 10 allowed');
  });
});

describe('huge declared shapes are refused before allocation', () => {
  it('(control: the allocation probe sees a normal decode)', () => {
    const body = { inputs: [{ name: 'x', shape: [3], datatype: 'FP64', data: [1, 2, 3] }] };
    expect(measure(() => decodeOipRequest(body)).allocated).toBe(3);
  });

  it('OIP: [1e12, 1e12] answers 413 at once without memory growth', () => {
    const body = { inputs: [{ name: 'x', shape: [1e12, 1e12], datatype: 'FP64', data: [] }] };
    const { error, grewBytes, allocated } = measure(() => decodeOipRequest(body));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(allocated).toBe(0);
    expect(grewBytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('OIP: a shape under the cap with too little data is refused before the 400 MB buffer exists', () => {
    const body = { inputs: [{ name: 'x', shape: [50_000_000], datatype: 'FP64', data: [1] }] };
    const { error, grewBytes, allocated } = measure(() => decodeOipRequest(body));
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(allocated).toBe(0);
    expect(grewBytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('OIP: a ragged nested body is refused before allocating the declared size', () => {
    const body = { inputs: [{ name: 'x', shape: [40_000_000, 1], datatype: 'FP64', data: [[1], [2, 3]] }] };
    const { error, grewBytes, allocated } = measure(() => decodeOipRequest(body));
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(allocated).toBe(0);
    expect(grewBytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('the configurable cap applies to the whole request', () => {
    const input = (name: string) => ({ name, shape: [3], datatype: 'FP32', data: [1, 2, 3] });
    expect(() => decodeOipRequest({ inputs: [input('a'), input('b')] }, { maxElements: 5 })).toThrow(
      PayloadTooLargeError,
    );
    expect(decodeOipRequest({ inputs: [input('a'), input('b')] }, { maxElements: 6 }).inputs).toHaveLength(2);
  });

  it('Azure ML: rows over the cap are refused', () => {
    const rows = Array.from({ length: 10 }, () => [1, 2]);
    const { error, allocated } = measure(() => decodeAzureMlRequest({ data: rows }, signature, { maxElements: 19 }));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(allocated).toBe(0);
  });
});

describe('checkTensors', () => {
  const x = (shape: number[], data: Float32Array): NamedTensor => ({ name: 'x', datatype: 'FP32', shape, data });

  it('accepts tensors that fit the signature', () => {
    expect(() => checkTensors([x([2, 2], new Float32Array(4))], signature)).not.toThrow();
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => checkTensors([x([2, 2], new Float32Array(3))], signature)).toThrow(
      "input 'x' has 3 elements but its shape [2,2] needs 4",
    );
  });

  it('refuses a fixed dimension mismatch with the expected shape', () => {
    expect(() => checkTensors([x([2, 3], new Float32Array(6))], signature)).toThrow(
      "input 'x' has shape [2,3]; dimension 1 must be 2 (model shape [-1,2], -1 = any size)",
    );
  });

  it('refuses missing inputs', () => {
    expect(() => checkTensors([], signature)).toThrow("missing input 'x' (FP32 [-1,2])");
  });
});

describe('signature specifics', () => {
  it('accepts any shape for an input of unknown rank', () => {
    const spec = { name: 'any', datatype: 'FP32' as const, shape: [], unknownRank: true as const };
    expect(() => checkAgainstSpec(spec, { name: 'any', datatype: 'FP32', shape: [2, 3, 4] })).not.toThrow();
    expect(() => checkAgainstSpec(spec, { name: 'any', datatype: 'INT32', shape: [2] })).toThrow(DatatypeMismatchError);
    const sig: ModelSignature = { inputs: [spec], outputs: [] };
    expect(
      decodeAzureMlRequest(
        {
          data: [
            [1, 2],
            [3, 4],
          ],
        },
        sig,
      )[0]!.shape,
    ).toEqual([2, 2]);
    expect(
      decodeOipRequest({ inputs: [{ name: 'any', shape: [1, 1, 1], datatype: 'FP32', data: [1] }] }, { signature: sig })
        .inputs[0]!.shape,
    ).toEqual([1, 1, 1]);
  });

  it('maps every codec error through the error funnel with its code and status', () => {
    const cases: Array<[Error, string, number]> = [
      [new InvalidInputError('m'), 'InvalidInput', 400],
      [new DatatypeMismatchError('m'), 'DatatypeMismatch', 400],
      [new ShapeMismatchError('m'), 'ShapeMismatch', 400],
      [new PayloadTooLargeError('m'), 'PayloadTooLarge', 413],
    ];
    for (const [error, code, status] of cases) {
      const mapped = toErrorBody(error, 'req-1');
      expect(mapped).toMatchObject({ status, isClientFault: true, body: { error: { code, message: 'm' } } });
    }
  });
});
