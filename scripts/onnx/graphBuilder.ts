/**
 * A small typed builder that writes ONNX `ModelProto` bytes with `onnx-proto`, so tests and benchmarks
 * can make real models without Python. Dev-time only: nothing in `shared/` imports it.
 *
 * @example
 * const bytes = new GraphBuilder('double')
 *   .input('x', 'FP32', ['batch', 3])
 *   .initializer('two', new Float32Array([2]), [])
 *   .node('Mul', ['x', 'two'], ['y'])
 *   .output('y', 'FP32', ['batch', 3])
 *   .build();
 */
import { onnx } from 'onnx-proto';
import { DATATYPES, isOipDatatype, type OipDatatype } from '../../shared/scoring/datatypes';

/** A dimension: a size, a symbolic name (dynamic), or `null` (dynamic without a name). */
export type Dim = number | string | null;

/** An OIP datatype, or a raw `TensorProto.DataType` number (e.g. 14 = complex64) for types Sibyl refuses. */
export type ElementType = OipDatatype | number;

/** A node attribute; the kind is explicit because `1` may mean an int or a float to ONNX. */
export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

/** Attribute constructors: `attr.int(1)`, `attr.float(0.5)`, … */
export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  ints: (value: readonly number[]): Attribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
};

/** Typed arrays an initializer may hold (stored as little-endian `raw_data`). */
export type InitializerData = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface BuildOptions {
  /** Default-domain opset; 17 unless told. */
  opset?: number;
  /** ONNX IR version; 8 unless told (what onnx-proto's schema describes). */
  irVersion?: number;
  producerName?: string;
  docString?: string;
  /** Free-form model metadata (`metadata_props`). */
  metadata?: Record<string, string>;
}

const AttributeType = onnx.AttributeProto.AttributeType;

/** `ElementType` → `TensorProto.DataType` number. */
export function onnxElementType(type: ElementType): number {
  return isOipDatatype(type) ? DATATYPES[type].onnx : type;
}

/** A tensor `ValueInfoProto`; `shape` undefined means unknown rank. */
export function tensorValueInfo(name: string, type: ElementType, shape?: readonly Dim[]): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType: onnxElementType(type) };
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d) => (d === null ? {} : typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}

function toAttributeProto(name: string, a: Attribute): onnx.IAttributeProto {
  switch (a.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: a.value };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: AttributeType.STRING, s: Buffer.from(a.value, 'utf8') };
  }
}

function initializerType(data: InitializerData): number {
  if (data instanceof Float32Array) return DATATYPES.FP32.onnx;
  if (data instanceof Float64Array) return DATATYPES.FP64.onnx;
  if (data instanceof Int32Array) return DATATYPES.INT32.onnx;
  return DATATYPES.INT64.onnx;
}

/** Builds one ONNX graph; methods chain and `build()` returns the serialized model. */
export class GraphBuilder {
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly nodes: onnx.INodeProto[] = [];
  /** Every value name defined so far, to catch typos in factories before ONNX Runtime does. */
  private readonly defined = new Set<string>();

  constructor(private readonly graphName = 'graph') {}

  /** Declares a graph input of a tensor type; `shape` undefined means unknown rank. */
  input(name: string, type: ElementType, shape?: readonly Dim[]): this {
    return this.inputValue(tensorValueInfo(name, type, shape));
  }

  /** Declares a graph input from a raw `ValueInfoProto` (sequences, maps, optionals). */
  inputValue(info: onnx.IValueInfoProto): this {
    this.define(info.name ?? '');
    this.inputs.push(info);
    return this;
  }

  /** Declares a graph output; the name must be produced by an input, initializer or node. */
  output(name: string, type: ElementType, shape?: readonly Dim[]): this {
    return this.outputValue(tensorValueInfo(name, type, shape));
  }

  /** Declares a graph output from a raw `ValueInfoProto`. */
  outputValue(info: onnx.IValueInfoProto): this {
    this.outputs.push(info);
    return this;
  }

  /** Adds a constant tensor (weights); `dims` must multiply to `data.length`. */
  initializer(name: string, data: InitializerData, dims: readonly number[]): this {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new Error(`Initializer '${name}': dims [${dims.join(', ')}] hold ${size} values, data has ${data.length}`);
    }
    this.define(name);
    // Typed arrays are little-endian on every platform ONNX Runtime ships for, which is what raw_data wants.
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push({ name, dims: [...dims], dataType: initializerType(data), rawData });
    return this;
  }

  /**
   * Adds an FP32 constant whose data lives outside the model, in `location` (relative to the model
   * file, as ONNX Runtime reads it) from `offset`; the caller writes that file.
   */
  externalInitializer(name: string, dims: readonly number[], location: string, offset = 0): this {
    this.define(name);
    const length = dims.reduce((a, b) => a * b, 1) * 4;
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: DATATYPES.FP32.onnx,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ],
    });
    return this;
  }

  /** Adds a node; `''` in `inputs` skips an optional input. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Record<string, Attribute> = {},
  ): this {
    for (const name of inputs) {
      if (name !== '' && !this.defined.has(name))
        throw new Error(`${opType} node reads '${name}', which nothing defines yet`);
    }
    for (const name of outputs) this.define(name);
    this.nodes.push({
      name: `${opType}_${this.nodes.length}`,
      opType,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([n, a]) => toAttributeProto(n, a)),
    });
    return this;
  }

  /** Serializes the model: opset 17 and IR version 8 unless told otherwise. */
  build(options: BuildOptions = {}): Uint8Array {
    for (const out of this.outputs) {
      if (!this.defined.has(out.name ?? '')) throw new Error(`Output '${out.name ?? ''}' is never produced`);
    }
    const model = onnx.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      producerName: options.producerName ?? 'sibyl-graph-builder',
      producerVersion: '1',
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private define(name: string): void {
    if (name === '') throw new Error('Value names must not be empty');
    if (this.defined.has(name)) throw new Error(`Value '${name}' is defined twice`);
    this.defined.add(name);
  }
}
