/**
 * A one-pass, mergeable summary of one feature's values: numbers go into logarithmic buckets of 0.1%
 * relative width (a DDSketch-style sketch: any quantile within 0.1% of its value, no range needed up
 * front), and every value into category counts capped at {@link MAX_CATEGORIES} distinct (the rest in
 * `(other)`). A feature that ever holds a string or boolean is categorical; otherwise numeric.
 * Memory is bounded by the spread of the values, never by their number.
 *
 * @example const s = new FeatureSketch(); s.add(1.5); s.add('red'); s.toJSON();
 */
import type { CellValue } from './collectedRows';

const GAMMA = 1.002;
const LOG_GAMMA = Math.log(GAMMA);
/** Magnitudes below this are counted as zero. */
const ZERO = 1e-12;
export const MAX_CATEGORIES = 1000;
export const OTHER = '(other)';

export interface SketchJson {
  count: number;
  missing: number;
  textual: number;
  min: number | null;
  max: number | null;
  /** Bucket key → count; key `0` is zero, `±i` the bucket `(γ^(i-1), γ^i]` with that sign. */
  buckets: Record<string, number>;
  categories: Record<string, number>;
}

function bucketKey(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < ZERO) return 0;
  // Offset so keys of magnitudes down to ZERO stay positive; the sign carries the value's sign.
  const index = Math.ceil(Math.log(magnitude) / LOG_GAMMA) + 20000;
  return value > 0 ? index : -index;
}

/** The value a bucket stands for (its midpoint in relative terms), clamped to the feature's range by callers. */
export function bucketValueOf(key: number): number {
  if (key === 0) return 0;
  const magnitude = (2 * GAMMA ** (Math.abs(key) - 20000)) / (GAMMA + 1);
  return key > 0 ? magnitude : -magnitude;
}

export class FeatureSketch {
  count = 0;
  missing = 0;
  /** Strings and booleans seen: any makes the feature categorical. */
  textual = 0;
  min = Infinity;
  max = -Infinity;
  readonly buckets = new Map<number, number>();
  readonly categories = new Map<string, number>();

  add(value: CellValue | undefined): void {
    if (value === null || value === undefined || value === '' || Array.isArray(value)) {
      this.missing++;
      return;
    }
    this.count++;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.count--;
        this.missing++;
        return;
      }
      const key = bucketKey(value);
      this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
    } else this.textual++;
    this.addCategory(String(value), 1);
  }

  private addCategory(name: string, n: number): void {
    const known = this.categories.get(name);
    if (known !== undefined) this.categories.set(name, known + n);
    else if (this.categories.size < MAX_CATEGORIES) this.categories.set(name, n);
    else this.categories.set(OTHER, (this.categories.get(OTHER) ?? 0) + n);
  }

  merge(other: FeatureSketch): this {
    this.count += other.count;
    this.missing += other.missing;
    this.textual += other.textual;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    for (const [k, n] of other.buckets) this.buckets.set(k, (this.buckets.get(k) ?? 0) + n);
    for (const [c, n] of other.categories) this.addCategory(c, n);
    return this;
  }

  toJSON(): SketchJson {
    return {
      count: this.count,
      missing: this.missing,
      textual: this.textual,
      min: Number.isFinite(this.min) ? this.min : null,
      max: Number.isFinite(this.max) ? this.max : null,
      buckets: Object.fromEntries(this.buckets),
      categories: Object.fromEntries(this.categories),
    };
  }

  static fromJSON(json: SketchJson): FeatureSketch {
    const s = new FeatureSketch();
    s.count = json.count;
    s.missing = json.missing;
    s.textual = json.textual;
    s.min = json.min ?? Infinity;
    s.max = json.max ?? -Infinity;
    for (const [k, n] of Object.entries(json.buckets)) s.buckets.set(Number(k), n);
    for (const [c, n] of Object.entries(json.categories)) s.categories.set(c, n);
    return s;
  }

  /** Numeric values, as (bucket value, count) sorted by value. */
  numericPoints(): [number, number][] {
    return [...this.buckets].map(([k, n]): [number, number] => [bucketValueOf(k), n]).sort((a, b) => a[0] - b[0]);
  }
}
