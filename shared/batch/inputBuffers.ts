/**
 * The typed input buffers of a batch scorer: one per model input, sized for a whole batch of rows and
 * allocated once, with the element writer and cell converters that fill it, and the slices of them that
 * become a `session.run`'s feeds. Apart from `rowScorer.ts` because it depends only on the model's
 * signature, not on where rows come from or how predictions are written.
 *
 * @example
 *   const buffers = allocateInputs(session.signature, 4096);
 *   await session.run(batchFeeds(session.signature, buffers, 0, rows));
 */
import { allocate, type ModelSignature, type NamedTensor, type TensorData } from '../scoring/datatypes';
import { elementWriter, type ElementWriter } from '../scoring/codecs/elementCodec';
import { jsonCell, textCell, type CellConverter } from './cellValues';

export interface InputBuffer {
  data: TensorData;
  /** The buffer when it holds FP32/FP64 (the fast text path writes it directly). */
  floats?: Float32Array | Float64Array;
  write: ElementWriter;
  text: CellConverter;
  json: CellConverter;
}

/** A buffer of `batchRows` rows for each of the signature's inputs, in signature order. */
export function allocateInputs(signature: ModelSignature, batchRows: number): InputBuffer[] {
  return signature.inputs.map((spec) => {
    const width = spec.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1);
    const data = allocate(spec.datatype, batchRows * width);
    const floats =
      spec.datatype === 'FP32' || spec.datatype === 'FP64' ? (data as Float32Array | Float64Array) : undefined;
    return {
      data,
      ...(floats ? { floats } : {}),
      write: elementWriter(spec.datatype, data, { nullAsNaN: true }),
      text: textCell(spec.datatype),
      json: jsonCell(spec.datatype),
    };
  });
}

/** Rows `[start, end)` of the buffers as one feed per input (views of typed arrays, copies of plain ones). */
export function batchFeeds(
  signature: ModelSignature,
  buffers: readonly InputBuffer[],
  start: number,
  end: number,
): NamedTensor[] {
  return signature.inputs.map((spec, i) => {
    const rowShape = spec.shape.slice(1).map((d) => Math.max(d, 1));
    const width = rowShape.reduce((a, b) => a * b, 1);
    const data = buffers[i]!.data;
    const slice = Array.isArray(data)
      ? data.slice(start * width, end * width)
      : data.subarray(start * width, end * width);
    return { name: spec.name, datatype: spec.datatype, shape: [end - start, ...rowShape], data: slice };
  });
}
