/**
 * The sketches of every column of one source (baseline, inputs or outputs), keyed by column name,
 * with how many rows fed them; serialised as a partial result between activities.
 *
 * @example const part = new FeatureSketches(); part.addRow({ x: 1, colour: 'red' });
 */
import type { Row } from './collectedRows';
import { FeatureSketch, type SketchJson } from './featureSketch';

/** Columns sketched per source; more are ignored (and reported in the run's log). */
export const MAX_FEATURES = 500;

export interface SketchesJson {
  rows: number;
  skipped: number;
  features: Record<string, SketchJson>;
}

export class FeatureSketches {
  rows = 0;
  skipped = 0;
  readonly features = new Map<string, FeatureSketch>();

  addRow(row: Row): void {
    this.rows++;
    for (const name in row) {
      let sketch = this.features.get(name);
      if (!sketch) {
        if (this.features.size >= MAX_FEATURES) continue;
        this.features.set(name, (sketch = new FeatureSketch()));
      }
      sketch.add(row[name]);
    }
  }

  merge(other: FeatureSketches): this {
    this.rows += other.rows;
    this.skipped += other.skipped;
    for (const [name, sketch] of other.features) {
      const mine = this.features.get(name);
      if (mine) mine.merge(sketch);
      else if (this.features.size < MAX_FEATURES) this.features.set(name, FeatureSketch.fromJSON(sketch.toJSON()));
    }
    return this;
  }

  toJSON(): SketchesJson {
    return {
      rows: this.rows,
      skipped: this.skipped,
      features: Object.fromEntries([...this.features].map(([n, s]) => [n, s.toJSON()])),
    };
  }

  static fromJSON(json: SketchesJson): FeatureSketches {
    const s = new FeatureSketches();
    s.rows = json.rows;
    s.skipped = json.skipped;
    for (const [name, sketch] of Object.entries(json.features)) s.features.set(name, FeatureSketch.fromJSON(sketch));
    return s;
  }
}
