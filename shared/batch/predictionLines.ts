/**
 * A scored batch as the bytes of `predictions.csv` lines, `file,row,<outputs>`: each output's values per
 * row are checked once per batch, then every value is written straight into the sink (FP32 through
 * `floatText.ts`, text outputs as CSV fields), with no string per line. Apart from `rowScorer.ts` because
 * it is the output format only; the scorer keeps which rows are pending and what to do when a batch fails.
 *
 * @example
 *   const widths = outputWidths(outputs, end - start);
 *   writePredictionLines(out, outputs, widths, start, end, rowNumbers, rowSources, sources);
 */
import type { NamedTensor } from '../scoring/datatypes';
import { elementReader } from '../scoring/codecs/elementCodec';
import type { ByteSink } from './byteSink';
import { csvField } from './csvText';
import { writeFloat32 } from './floatText';

/** Values per row of each output, in order; throws when an output does not give every row the same number. */
export function outputWidths(outputs: readonly NamedTensor[], rows: number): number[] {
  return outputs.map((o) => {
    const width = o.data.length / rows;
    if (!Number.isInteger(width) || width < 1)
      throw new Error(
        `output '${o.name}' has ${o.data.length} values for ${rows} rows; it must have one or more per row`,
      );
    return width;
  });
}

/**
 * Writes one line per row `[start, end)` of the batch: the row's file field (`sources[rowSources[slot]]`,
 * its CSV field and comma), its number (`rowNumbers[slot]`), then every output value of the row.
 */
export function writePredictionLines(
  out: ByteSink,
  outputs: readonly NamedTensor[],
  widths: readonly number[],
  start: number,
  end: number,
  rowNumbers: Float64Array,
  rowSources: Uint32Array,
  sources: readonly { field: Buffer }[],
): void {
  const rows = end - start;
  const writers = outputs.map((o): ((i: number) => void) => {
    if (o.datatype === 'FP32') {
      const data = o.data as Float32Array;
      return (i) => writeFloat32(out, data[i]!);
    }
    const read = elementReader(o.datatype, o.data);
    return o.datatype === 'BYTES' ? (i) => out.utf8(csvField(String(read(i)))) : (i) => out.ascii(String(read(i)));
  });
  for (let r = 0; r < rows; r++) {
    const slot = start + r;
    out.raw(sources[rowSources[slot]!]!.field);
    out.uint(rowNumbers[slot]!);
    for (let o = 0; o < writers.length; o++) {
      const width = widths[o]!;
      const write = writers[o]!;
      for (let k = r * width, stop = k + width; k < stop; k++) {
        out.byte(44);
        write(k);
      }
    }
    out.byte(10);
  }
}
