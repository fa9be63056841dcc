/**
 * Stacking requests' tensors on dim 0 and splitting batched outputs back, for every `TensorData`
 * kind (typed arrays and `string[]` for BYTES). Used by the dynamic batcher.
 */
import { allocate, type NamedTensor, type NumericData, type OipDatatype, type TensorData } from '../datatypes';

/**
 * Rows (dim 0) of a request's tensors; undefined when it cannot be batched (no tensors, a rank-0 tensor,
 * or tensors disagreeing on dim 0).
 */
export function rowCount(tensors: readonly NamedTensor[]): number | undefined {
  let rows: number | undefined;
  for (const t of tensors) {
    const dim = t.shape[0];
    if (dim === undefined || (rows !== undefined && dim !== rows)) return undefined;
    rows = dim;
  }
  return rows;
}

/**
 * Requests with equal keys can be stacked: same input names, datatypes and non-batch dims.
 * Undefined for requests that cannot be batched at all.
 */
export function batchKey(tensors: readonly NamedTensor[]): string | undefined {
  if (rowCount(tensors) === undefined) return undefined;
  const ordered =
    tensors.length > 1 ? [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : tensors;
  // Built by hand (it runs once a request): a quoted name, a datatype, `,dim`s, `;` — no two layouts collide.
  let key = '';
  for (const t of ordered) {
    key += JSON.stringify(t.name) + t.datatype;
    for (let i = 1; i < t.shape.length; i++) key += `,${t.shape[i]}`;
    key += ';';
  }
  return key;
}

/** Concatenates data of one datatype in order; a single part is returned as is (no copy). */
export function concatData(datatype: OipDatatype, parts: readonly TensorData[]): TensorData {
  const [first] = parts;
  if (first && parts.length === 1) return first;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = allocate(datatype, total);
  let offset = 0;
  for (const part of parts) {
    if (Array.isArray(out)) {
      if (!Array.isArray(part)) throw new TypeError(`cannot stack non-string data into ${datatype}`);
      for (let i = 0; i < part.length; i++) out[offset + i] = part[i] ?? '';
    } else {
      // Typed arrays of different kinds would convert (or throw for bigint), so require the same kind.
      if (Array.isArray(part) || Object.getPrototypeOf(part) !== Object.getPrototypeOf(out)) {
        throw new TypeError(`cannot stack ${part.constructor.name} data into ${datatype} (${out.constructor.name})`);
      }
      (out as unknown as { set(source: NumericData, offset: number): void }).set(part, offset);
    }
    offset += part.length;
  }
  return out;
}

/**
 * Elements `[start, end)` of `data`: a `subarray` view for typed arrays (no copy — copy it before
 * reusing the batch buffer), a new array for `string[]`.
 */
export function sliceData(data: TensorData, start: number, end: number): TensorData {
  return Array.isArray(data) ? data.slice(start, end) : data.subarray(start, end);
}

/**
 * Stacks several requests' tensors (same {@link batchKey}) on dim 0, in the first request's input
 * order.
 *
 * @example stackTensors([[x1], [x2]]) // x: shape [x1.rows + x2.rows, ...], data concatenated
 */
export function stackTensors(requests: readonly (readonly NamedTensor[])[]): NamedTensor[] {
  const [first = []] = requests;
  return first.map((head) => {
    const members = requests.map((feeds) => {
      const t = feeds.find((f) => f.name === head.name);
      if (!t || t.datatype !== head.datatype) throw new TypeError(`request tensors disagree on input '${head.name}'`);
      return t;
    });
    const rows = members.reduce((n, t) => n + (t.shape[0] ?? 0), 0);
    return {
      name: head.name,
      datatype: head.datatype,
      shape: [rows, ...head.shape.slice(1)],
      data: concatData(
        head.datatype,
        members.map((t) => t.data),
      ),
    };
  });
}

/**
 * Splits batched tensors back per request by row counts. Throws when an output's dim 0 is not the
 * total row count or its data does not fit its shape (the batcher then runs requests one by one).
 * Typed-array parts are views of the batch output (see {@link sliceData}).
 */
export function splitTensors(tensors: readonly NamedTensor[], rowCounts: readonly number[]): NamedTensor[][] {
  const total = rowCounts.reduce((a, b) => a + b, 0);
  const parts: NamedTensor[][] = rowCounts.map(() => []);
  for (const t of tensors) {
    const rest = t.shape.slice(1);
    const rowSize = rest.reduce((a, b) => a * b, 1);
    if (t.shape[0] !== total || t.data.length !== total * rowSize) {
      throw new RangeError(`output '${t.name}' has shape [${t.shape.join(',')}]; cannot split ${total} batched rows`);
    }
    let row = 0;
    rowCounts.forEach((rows, i) => {
      parts[i]?.push({
        name: t.name,
        datatype: t.datatype,
        shape: [rows, ...rest],
        data: sliceData(t.data, row * rowSize, (row + rows) * rowSize),
      });
      row += rows;
    });
  }
  return parts;
}
