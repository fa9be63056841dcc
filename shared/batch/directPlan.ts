/**
 * The fast path of batch rows: when every model input is FP32/FP64 and each column feeds one element, a
 * row's numbers go from the file's bytes (a CSV line, or a JSONL array already read by `jsonArrayBytes.ts`)
 * straight into the input buffers, with no string or cell array in between. It is apart from `rowScorer.ts`
 * because it only knows bytes, columns and typed arrays: the scorer decides when a row may take it and falls
 * back to the general cell reader when it declines.
 *
 * @example
 *   const plan = directPlanOf(layout, buffers);
 *   if (plan && readCsvDirect(plan, bytes, start, end, slot)) rowAdded();
 */
import type { ColumnLayout } from './columnLayout';
import { scanDecimal, scanned } from './decimalBytes';
import type { InputBuffer } from './inputBuffers';

/** For each CSV column: the float input it fills (none when unused), its element in a row, the row width. */
export interface DirectPlan {
  targets: (Float32Array | Float64Array | undefined)[];
  /** 1 where the target is FP32 (the reader may then take long significands, see `decimalBytes.ts`). */
  float32: Uint8Array;
  offsets: Int32Array;
  widths: Int32Array;
}

/** Where each column goes when every input is FP32/FP64 and each column feeds one element; else null. */
export function directPlanOf(layout: ColumnLayout, buffers: readonly InputBuffer[]): DirectPlan | null {
  let plan: DirectPlan | null = {
    targets: [],
    float32: new Uint8Array(layout.columnCount),
    offsets: new Int32Array(layout.columnCount).fill(-1),
    widths: new Int32Array(layout.columnCount),
  };
  for (let b = 0; b < layout.inputs.length && plan; b++) {
    const binding = layout.inputs[b]!;
    const floats = buffers[b]!.floats;
    if (!floats) plan = null;
    else {
      for (let k = 0; k < binding.width && plan; k++) {
        const column = binding.columns[k]!;
        if (plan.offsets[column] !== -1) plan = null;
        else {
          plan.targets[column] = floats;
          plan.float32[column] = floats instanceof Float32Array ? 1 : 0;
          plan.offsets[column] = k;
          plan.widths[column] = binding.width;
        }
      }
    }
  }
  return plan;
}

/** Parses the cells of one CSV line into row `slot`; false when the line needs the general path. */
export function readCsvDirect(plan: DirectPlan, bytes: Buffer, start: number, end: number, slot: number): boolean {
  const { targets, float32, offsets, widths } = plan;
  const columns = offsets.length;
  let column = 0;
  let at = start;
  for (;;) {
    if (column >= columns) return false;
    const target = targets[column];
    // The number is read up to the first byte that cannot continue it, which must end the cell.
    let value = scanDecimal(bytes, at, end, float32[column] === 1);
    let comma = scanned.end;
    if (comma !== end && bytes[comma] !== 44) {
      comma = bytes.indexOf(44, at);
      if (comma < 0 || comma > end) comma = end;
      value = NaN;
    }
    if (target) {
      if (value !== value) {
        // More digits than the fast path reads exactly (doubles written in full into an FP64 input,
        // or a value at a float32 rounding boundary): the cell's text as the general path reads it;
        // empty and NaN cells still take that path.
        value = Number(bytes.toString('utf8', at, comma));
        if (value !== value || value === 0) return false;
      }
      target[slot * widths[column]! + offsets[column]!] = value;
    }
    column++;
    if (comma === end) break;
    at = comma + 1;
  }
  return column === columns;
}

/** Stores the first `count` of `values` (one JSONL array line, `count` = the plan's columns) as row `slot`. */
export function writeNumbersDirect(plan: DirectPlan, values: Float64Array, count: number, slot: number): void {
  const { targets, offsets, widths } = plan;
  for (let c = 0; c < count; c++) {
    const target = targets[c];
    if (target) target[slot * widths[c]! + offsets[c]!] = values[c]!;
  }
}
