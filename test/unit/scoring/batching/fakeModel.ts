import { DynamicBatcher, type DynamicBatcherOptions } from '../../../../shared/scoring/batching/dynamicBatcher';
import type { NamedTensor } from '../../../../shared/scoring/datatypes';

/** A tensor `x` of `rows` rows of `width` values, row r filled with `start + r`. */
export function feeds(rows: number, start = 0, width = 2): NamedTensor[] {
  const data = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) data.fill(start + r, r * width, (r + 1) * width);
  return [{ name: 'x', datatype: 'FP32', shape: [rows, width], data }];
}

/**
 * A stand-in model: `sum` = per-row sum of `x`, `double` = 2·x. Records each call's row count and
 * can hold runs in flight until `release()`; rows whose values are NaN make the run throw.
 */
export class FakeModel {
  readonly calls: number[] = [];
  private held = false;
  private waiting: Array<() => void> = [];

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const go of this.waiting.splice(0)) go();
  }

  readonly run = async (inputs: NamedTensor[]): Promise<NamedTensor[]> => {
    const [x] = inputs;
    if (!x) throw new Error('no input');
    this.calls.push(x.shape[0] ?? 0);
    if (this.held) await new Promise<void>((go) => this.waiting.push(go));
    const data = x.data as Float32Array;
    if (data.some(Number.isNaN)) throw new Error('poison row');
    const rows = x.shape[0] ?? 0;
    const width = x.shape[1] ?? 1;
    const sum = new Float32Array(rows);
    for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) sum[r]! += data[r * width + j]!;
    return [
      { name: 'sum', datatype: 'FP32', shape: [rows], data: sum },
      { name: 'double', datatype: 'FP32', shape: [rows, width], data: data.map((v) => v * 2) },
    ];
  };
}

/** Polls `condition` on each turn of the event loop until it holds or `timeoutMs` passes. */
export async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Per-row sums `feeds(rows, start, width)` should produce. */
export function expectedSums(rows: number, start = 0, width = 2): number[] {
  return Array.from({ length: rows }, (_, r) => (start + r) * width);
}

/** The per-row `sum` outputs of one scored request. */
export function sums(outputs: NamedTensor[]): number[] {
  return Array.from(outputs.find((o) => o.name === 'sum')!.data as Float32Array);
}

/** A batcher running a fresh `FakeModel`. */
export function fakeBatcher(options: Omit<DynamicBatcherOptions, 'run'>): {
  model: FakeModel;
  batcher: DynamicBatcher;
} {
  const model = new FakeModel();
  return { model, batcher: new DynamicBatcher({ ...options, run: model.run }) };
}
