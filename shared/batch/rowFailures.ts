/**
 * The rows of a batch that could not be scored: how many, in which files, and the first few with their
 * file and line (or row, when rows are not lines) and reason, as the run's error samples. Apart from
 * `rowScorer.ts` because it is the report of failures, whichever stage found them: an unreadable line,
 * a cell the input cannot take, or a row the model refused.
 *
 * @example
 *   const failures = new RowFailures(10);
 *   failures.add({ file: 'in/a.csv', lineOffset: 1 }, 3, 'expected 4 values, got 3'); // line 4 of in/a.csv
 */
import type { ErrorSample } from '../workspace/runDocuments';
import type { RowSource } from './rowScorer';

export class RowFailures {
  /** Rows that failed. */
  count = 0;
  /** Files with at least one failed row. */
  readonly files = new Set<string>();
  /** The first `maxSamples` failures. */
  readonly samples: ErrorSample[] = [];

  constructor(private readonly maxSamples: number) {}

  /** Counts row `row` of `source` as failed for `message`, and samples it while there is room. */
  add(source: RowSource, row: number, message: string): void {
    this.count++;
    this.files.add(source.file);
    if (this.samples.length < this.maxSamples) {
      const line = source.lineOffset === undefined ? undefined : row + source.lineOffset;
      this.samples.push({
        file: source.file,
        ...(line === undefined ? {} : { line }),
        message: line === undefined ? `row ${row}: ${message}` : message,
      });
    }
  }
}
