/**
 * Scores rows in large batches: cells are written straight into typed input buffers (`inputBuffers.ts`) with
 * the scoring codecs' element writers, or numbers straight from a line's bytes (`directPlan.ts`); every
 * `batchRows` rows go through one `session.run`, and predictions are written as bytes of CSV lines
 * `file,row,<outputs>` (`predictionLines.ts`; the final lines of `predictions.csv`). A row that cannot be read
 * is counted and sampled (file and line, `rowFailures.ts`) without stopping the others; a batch the model
 * refuses is split in halves until the rows at fault are found.
 *
 * @example
 *   const scorer = new RowScorer(session);
 *   if (scorer.add(cells, 'text', layout, source, 1)) await scorer.flush();
 *   const result = await scorer.finish();
 */
import type { ModelSignature, NamedTensor } from '../scoring/datatypes';
import type { ColumnLayout } from './columnLayout';
import { outputColumns } from './columnLayout';
import { INVALID, previewCell } from './cellValues';
import { ByteSink } from './byteSink';
import { csvField, parseCsvLine } from './csvText';
import { readJsonNumbers } from './jsonArrayBytes';
import { directPlanOf, readCsvDirect, writeNumbersDirect, type DirectPlan } from './directPlan';
import { allocateInputs, batchFeeds, type InputBuffer } from './inputBuffers';
import { outputWidths, writePredictionLines } from './predictionLines';
import { RowFailures } from './rowFailures';
import type { ErrorSample } from '../workspace/runDocuments';

/** What a scorer needs of a model session. */
export interface BatchSession {
  readonly signature: ModelSignature;
  run(feeds: readonly NamedTensor[]): Promise<NamedTensor[]>;
}

/** Where rows come from: the file (datastore-relative) and how rows map to lines. */
export interface RowSource {
  file: string;
  /** Lines before data row 1 (1 for a CSV header, 0 for JSONL); undefined when rows are not lines (Parquet). */
  lineOffset: number | undefined;
}

export interface ScoredText {
  /** Output lines (each ends with `\n`), in row order. */
  body: Buffer;
  /** The output header (`file,row,…`), known once a batch succeeded. */
  columns?: string[];
  /** Values per row of each output, in signature order (known once a batch succeeded). */
  widths?: number[];
  rows: number;
  failedRows: number;
  /** Files with at least one failed row. */
  failedFiles: string[];
  samples: ErrorSample[];
}

export class RowScorer {
  private readonly buffers: InputBuffer[];
  /** The rows added since the last flush: their numbers and sources (indexes into `sources`). */
  private readonly rowNumbers: Float64Array;
  private readonly rowSources: Uint32Array;
  private pendingCount = 0;
  private readonly sources: { source: RowSource; field: Buffer }[] = [];
  private readonly sourceIndex = new Map<RowSource, number>();
  private readonly out = new ByteSink();
  private readonly directPlans = new Map<ColumnLayout, DirectPlan | null>();
  /** Numbers of one JSONL array line (longer lines take the general path). */
  private readonly jsonValues = new Float64Array(1 << 14);
  private columns: string[] | undefined;
  private widths: number[] | undefined;
  private scored = 0;
  private readonly failures: RowFailures;

  /**
   * `expectedRows`: rows the caller expects to add (a mini-batch's line count); once the first batch
   * shows the bytes per row, the output buffer is sized for them all, rather than grown by doubling.
   */
  constructor(
    private readonly session: BatchSession,
    private readonly batchRows = 4096,
    maxSamples = 10,
    private readonly expectedRows = 0,
  ) {
    this.rowNumbers = new Float64Array(batchRows);
    this.rowSources = new Uint32Array(batchRows);
    this.buffers = allocateInputs(session.signature, batchRows);
    this.failures = new RowFailures(maxSamples);
  }

  /** Counts a row that failed before scoring (unreadable line, wrong number of cells…). */
  fail(source: RowSource, row: number, message: string): void {
    this.failures.add(source, row, message);
  }

  /**
   * Adds one CSV line given as bytes `[start, end)` (no line end); returns true when the batch is
   * full. Numbers go straight from the bytes into float inputs; a line with anything else (quotes,
   * empty or `nan` cells, other input types) is read the general way.
   */
  addCsvLine(bytes: Buffer, start: number, end: number, layout: ColumnLayout, source: RowSource, row: number): boolean {
    const direct = this.directPlan(layout);
    if (direct && readCsvDirect(direct, bytes, start, end, this.pendingCount)) {
      const slot = this.pendingCount;
      this.rowNumbers[slot] = row;
      this.rowSources[slot] = this.indexOf(source);
      this.pendingCount = slot + 1;
      return this.pendingCount >= this.batchRows;
    }
    let cells: string[];
    try {
      cells = parseCsvLine(bytes.toString('utf8', start, end));
    } catch (error) {
      this.fail(source, row, (error as Error).message);
      return false;
    }
    return this.add(cells, 'text', layout, source, row);
  }

  /**
   * Adds a JSONL line that is a flat array of numbers, read from bytes straight into float inputs
   * (arrays bind by length through `layoutOf`). `other`: the line is anything else, or its inputs
   * are not all floats — the caller parses it the general way.
   */
  addJsonNumbers(
    bytes: Buffer,
    start: number,
    end: number,
    layoutOf: (length: number) => ColumnLayout | string,
    source: RowSource,
    row: number,
  ): 'added' | 'full' | 'other' {
    const values = this.jsonValues;
    const count = readJsonNumbers(bytes, start, end, values);
    if (count < 0) return 'other';
    const layout = layoutOf(count);
    if (typeof layout === 'string') return 'other';
    const plan = this.directPlan(layout);
    if (!plan || plan.offsets.length !== count) return 'other';
    const slot = this.pendingCount;
    writeNumbersDirect(plan, values, count, slot);
    this.rowNumbers[slot] = row;
    this.rowSources[slot] = this.indexOf(source);
    this.pendingCount = slot + 1;
    return this.pendingCount >= this.batchRows ? 'full' : 'added';
  }

  /** The layout's direct plan (see `directPlan.ts`), made once per layout. */
  private directPlan(layout: ColumnLayout): DirectPlan | null {
    let plan = this.directPlans.get(layout);
    if (plan !== undefined) return plan;
    plan = directPlanOf(layout, this.buffers);
    this.directPlans.set(layout, plan);
    return plan;
  }

  /** Adds one row of cells; returns true when the batch is full (call `flush`). */
  add(cells: ArrayLike<unknown>, kind: 'text' | 'json', layout: ColumnLayout, source: RowSource, row: number): boolean {
    if (cells.length !== layout.columnCount) {
      this.fail(source, row, `expected ${layout.columnCount} values, got ${cells.length}`);
      return false;
    }
    const slot = this.pendingCount;
    for (let b = 0; b < layout.inputs.length; b++) {
      const binding = layout.inputs[b]!;
      const buffer = this.buffers[b]!;
      const base = slot * binding.width;
      const columns = binding.columns;
      if (kind === 'text' && buffer.floats) {
        // Hot path (numeric CSV): parse straight into the float buffer; anything unusual takes the general path.
        const out = buffer.floats;
        let k = 0;
        for (; k < binding.width; k++) {
          const n = Number(cells[columns[k]!]);
          if (n !== n || n === 0) break;
          out[base + k] = n;
        }
        if (k === binding.width) continue;
      }
      const convert = kind === 'text' ? buffer.text : buffer.json;
      for (let k = 0; k < binding.width; k++) {
        const column = columns[k]!;
        const cell = cells[column];
        const value = convert(cell);
        const reason = value === INVALID ? `expected a ${binding.datatype} value` : buffer.write(base + k, value);
        if (reason !== undefined) {
          const name = layout.names?.[column];
          this.fail(
            source,
            row,
            `column ${name === undefined ? column + 1 : `'${name}'`} (${previewCell(cell)}): ${reason} for input '${binding.name}'`,
          );
          return false;
        }
      }
    }
    this.rowNumbers[slot] = row;
    this.rowSources[slot] = this.indexOf(source);
    this.pendingCount = slot + 1;
    return this.pendingCount >= this.batchRows;
  }

  private indexOf(source: RowSource): number {
    let index = this.sourceIndex.get(source);
    if (index === undefined) {
      index = this.sources.length;
      this.sources.push({ source, field: Buffer.from(`${csvField(source.file)},`) });
      this.sourceIndex.set(source, index);
    }
    return index;
  }

  /** Scores the rows added so far. */
  async flush(): Promise<void> {
    const count = this.pendingCount;
    if (count === 0) return;
    await this.score(0, count);
    this.pendingCount = 0;
  }

  async finish(): Promise<ScoredText> {
    await this.flush();
    return {
      body: this.out.bytes(),
      ...(this.columns ? { columns: this.columns } : {}),
      ...(this.widths ? { widths: this.widths } : {}),
      rows: this.scored,
      failedRows: this.failures.count,
      failedFiles: [...this.failures.files],
      samples: this.failures.samples,
    };
  }

  /** Runs rows `[start, end)` of the pending batch, halving on failure to isolate bad rows. */
  private async score(start: number, end: number): Promise<void> {
    let outputs: NamedTensor[];
    try {
      outputs = await this.session.run(batchFeeds(this.session.signature, this.buffers, start, end));
      this.format(outputs, start, end);
    } catch (error) {
      if (end - start === 1) {
        this.fail(
          this.sources[this.rowSources[start]!]!.source,
          this.rowNumbers[start]!,
          `the model could not score this row: ${(error as Error).message}`,
        );
        return;
      }
      const mid = start + Math.ceil((end - start) / 2);
      await this.score(start, mid);
      await this.score(mid, end);
    }
  }

  private format(outputs: NamedTensor[], start: number, end: number): void {
    const rows = end - start;
    const widths = outputWidths(outputs, rows);
    this.columns ??= outputColumns(outputs.map((o, i) => ({ name: o.name, width: widths[i]! })));
    this.widths ??= widths;
    const out = this.out;
    writePredictionLines(out, outputs, widths, start, end, this.rowNumbers, this.rowSources, this.sources);
    if (this.scored === 0 && this.expectedRows > rows)
      out.reserve(Math.ceil((out.length / rows) * (this.expectedRows - rows) * 1.05));
    this.scored += rows;
  }
}
