/**
 * Scores rows in large batches: cells are written straight into typed input buffers with the scoring
 * codecs' element writers, every `batchRows` rows go through one `session.run`, and predictions are
 * written as bytes of CSV lines `file,row,<outputs>` (the final lines of `predictions.csv`).
 * A row that cannot be read is counted and sampled (file and
 * line) without stopping the others; a batch the model refuses is split in halves until the rows at
 * fault are found.
 *
 * @example
 *   const scorer = new RowScorer(session);
 *   if (scorer.add(cells, 'text', layout, source, 1)) await scorer.flush();
 *   const result = await scorer.finish();
 */
import { allocate, type ModelSignature, type NamedTensor, type TensorData } from '../scoring/datatypes';
import { elementReader, elementWriter, type ElementWriter } from '../scoring/codecs/elementCodec';
import type { ColumnLayout } from './columnLayout';
import { outputColumns } from './columnLayout';
import { INVALID, jsonCell, previewCell, textCell, type CellConverter } from './cellValues';
import { ByteSink } from './byteSink';
import { csvField, parseCsvLine } from './csvText';
import { scanDecimal, scanned } from './decimalBytes';
import { readJsonNumbers } from './jsonArrayBytes';
import { writeFloat32 } from './floatText';
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

interface InputBuffer {
  data: TensorData;
  /** The buffer when it holds FP32/FP64 (the fast text path writes it directly). */
  floats?: Float32Array | Float64Array;
  write: ElementWriter;
  text: CellConverter;
  json: CellConverter;
}

/** For each CSV column: the float input it fills (none when unused), its element in a row, the row width. */
interface DirectPlan {
  targets: (Float32Array | Float64Array | undefined)[];
  /** 1 where the target is FP32 (the reader may then take long significands, see `decimalBytes.ts`). */
  float32: Uint8Array;
  offsets: Int32Array;
  widths: Int32Array;
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
  private failed = 0;
  private readonly failedFiles = new Set<string>();
  private readonly samples: ErrorSample[] = [];

  /**
   * `expectedRows`: rows the caller expects to add (a mini-batch's line count); once the first batch
   * shows the bytes per row, the output buffer is sized for them all, rather than grown by doubling.
   */
  constructor(
    private readonly session: BatchSession,
    private readonly batchRows = 4096,
    private readonly maxSamples = 10,
    private readonly expectedRows = 0,
  ) {
    this.rowNumbers = new Float64Array(batchRows);
    this.rowSources = new Uint32Array(batchRows);
    this.buffers = session.signature.inputs.map((spec) => {
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

  /** Counts a row that failed before scoring (unreadable line, wrong number of cells…). */
  fail(source: RowSource, row: number, message: string): void {
    this.failed++;
    this.failedFiles.add(source.file);
    if (this.samples.length < this.maxSamples) {
      const line = source.lineOffset === undefined ? undefined : row + source.lineOffset;
      this.samples.push({
        file: source.file,
        ...(line === undefined ? {} : { line }),
        message: line === undefined ? `row ${row}: ${message}` : message,
      });
    }
  }

  /**
   * Adds one CSV line given as bytes `[start, end)` (no line end); returns true when the batch is
   * full. Numbers go straight from the bytes into float inputs; a line with anything else (quotes,
   * empty or `nan` cells, other input types) is read the general way.
   */
  addCsvLine(bytes: Buffer, start: number, end: number, layout: ColumnLayout, source: RowSource, row: number): boolean {
    const direct = this.directPlan(layout);
    if (direct && this.readDirect(direct, bytes, start, end)) {
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
    const { targets, offsets, widths } = plan;
    for (let c = 0; c < count; c++) {
      const target = targets[c];
      if (target) target[slot * widths[c]! + offsets[c]!] = values[c]!;
    }
    this.rowNumbers[slot] = row;
    this.rowSources[slot] = this.indexOf(source);
    this.pendingCount = slot + 1;
    return this.pendingCount >= this.batchRows ? 'full' : 'added';
  }

  /** Where each column goes when every input is FP32/FP64 and each column feeds one element; else null. */
  private directPlan(layout: ColumnLayout): DirectPlan | null {
    let plan = this.directPlans.get(layout);
    if (plan !== undefined) return plan;
    plan = {
      targets: [],
      float32: new Uint8Array(layout.columnCount),
      offsets: new Int32Array(layout.columnCount).fill(-1),
      widths: new Int32Array(layout.columnCount),
    };
    for (let b = 0; b < layout.inputs.length && plan; b++) {
      const binding = layout.inputs[b]!;
      const floats = this.buffers[b]!.floats;
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
    this.directPlans.set(layout, plan);
    return plan;
  }

  /** Parses the cells of one line into the pending slot; false when the line needs the general path. */
  private readDirect(plan: DirectPlan, bytes: Buffer, start: number, end: number): boolean {
    const slot = this.pendingCount;
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
      failedRows: this.failed,
      failedFiles: [...this.failedFiles],
      samples: this.samples,
    };
  }

  private feeds(start: number, end: number): NamedTensor[] {
    return this.session.signature.inputs.map((spec, i) => {
      const rowShape = spec.shape.slice(1).map((d) => Math.max(d, 1));
      const width = rowShape.reduce((a, b) => a * b, 1);
      const data = this.buffers[i]!.data;
      const slice = Array.isArray(data)
        ? data.slice(start * width, end * width)
        : data.subarray(start * width, end * width);
      return { name: spec.name, datatype: spec.datatype, shape: [end - start, ...rowShape], data: slice };
    });
  }

  /** Runs rows `[start, end)` of the pending batch, halving on failure to isolate bad rows. */
  private async score(start: number, end: number): Promise<void> {
    let outputs: NamedTensor[];
    try {
      outputs = await this.session.run(this.feeds(start, end));
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
    const widths = outputs.map((o) => {
      const width = o.data.length / rows;
      if (!Number.isInteger(width) || width < 1)
        throw new Error(
          `output '${o.name}' has ${o.data.length} values for ${rows} rows; it must have one or more per row`,
        );
      return width;
    });
    this.columns ??= outputColumns(outputs.map((o, i) => ({ name: o.name, width: widths[i]! })));
    this.widths ??= widths;
    const out = this.out;
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
      out.raw(this.sources[this.rowSources[slot]!]!.field);
      out.uint(this.rowNumbers[slot]!);
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
    if (this.scored === 0 && this.expectedRows > rows)
      out.reserve(Math.ceil((out.length / rows) * (this.expectedRows - rows) * 1.05));
    this.scored += rows;
  }
}
