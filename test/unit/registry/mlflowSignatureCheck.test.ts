import { SibylError } from '../../../shared/errors';
import { parseMlmodel } from '../../../shared/registry/mlflowModel';
import { checkMlflowSignature } from '../../../shared/registry/mlflowSignatureCheck';
import { orderColumns } from '../../../shared/scoring/codecs/mlflowColumns';
import type { ModelSignature } from '../../../shared/scoring/datatypes';

const graph: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
  outputs: [{ name: 'y', datatype: 'INT64', shape: [-1] }],
};
const twoInputs: ModelSignature = {
  inputs: [
    { name: 'age', datatype: 'FP64', shape: [-1, 1] },
    { name: 'city', datatype: 'BYTES', shape: [-1, 1] },
  ],
  outputs: [],
};
const tensor = (name: string | undefined, dtype: string, shape: number[]) => ({
  ...(name ? { name } : {}),
  type: 'tensor',
  'tensor-spec': { dtype, shape },
});
const column = (name: string, type: string) => ({ name, type });

describe('MLflow signatures against the ONNX graph', () => {
  it('accepts matching tensor and column signatures and answers the column order', () => {
    expect(checkMlflowSignature({ inputs: [tensor('x', 'float32', [-1, 3])] }, graph)).toEqual({});
    expect(checkMlflowSignature({ inputs: [tensor(undefined, 'float32', [-1, -1])] }, graph)).toEqual({});
    expect(checkMlflowSignature({ inputs: ['a', 'b', 'c'].map((n) => column(n, 'double')) }, graph)).toEqual({
      columns: ['a', 'b', 'c'],
    });
    expect(checkMlflowSignature({ inputs: [column('city', 'string'), column('age', 'long')] }, twoInputs)).toEqual({
      columns: ['city', 'age'],
    });
  });

  it.each([
    ['a tensor of another dtype', { inputs: [tensor('x', 'float64', [-1, 3])] }, graph, /float64 in MLmodel and FP32/],
    [
      'a tensor of another shape',
      { inputs: [tensor('x', 'float32', [-1, 4])] },
      graph,
      /shape \[-1, 4\] in MLmodel and \[-1, 3\]/,
    ],
    ['a tensor the graph lacks', { inputs: [tensor('z', 'float32', [-1, 3])] }, graph, /'z' is not in the graph/],
    [
      'too many tensors',
      { inputs: [tensor('x', 'float32', [-1, 3]), tensor('w', 'float32', [-1])] },
      graph,
      /declares 2 inputs, the graph has 1/,
    ],
    [
      'too few columns',
      { inputs: [column('a', 'double'), column('b', 'double')] },
      graph,
      /2 columns, the graph's inputs take 3/,
    ],
    [
      'a string column for a float input',
      { inputs: [column('a', 'double'), column('b', 'string'), column('c', 'double')] },
      graph,
      /'b' is string/,
    ],
    [
      'mixed tensors and columns',
      { inputs: [tensor('x', 'float32', [-1, 3]), column('a', 'double')] },
      graph,
      /mix tensors and columns/,
    ],
  ])('refuses %s with InvalidModel', (_what, signature, model, message) => {
    const run = () => checkMlflowSignature(signature, model);
    expect(run).toThrow(SibylError);
    expect(run).toThrow(message);
  });

  it('parses MLmodel YAML with JSON-string schemas and refuses what is not one', () => {
    const parsed = parseMlmodel(
      `flavors:\n  onnx:\n    data: m.onnx\nsignature:\n  inputs: '[{"type": "double", "name": "a"}]'\n`,
    );
    expect(parsed).toMatchObject({ onnxFile: 'm.onnx', signature: { inputs: [{ type: 'double', name: 'a' }] } });
    expect(() => parseMlmodel('flavors: [1, 2]')).toThrow(/no "flavors" mapping/);
    expect(() => parseMlmodel('flavors:\n  onnx: {}\n')).toThrow(/no "data"/);
    expect(() => parseMlmodel("flavors: {}\nsignature:\n  inputs: 'not json'\n")).toThrow(/not JSON/);
    expect(() => parseMlmodel('{{{')).toThrow(/not YAML/);
  });
});

describe('MLflow bodies by column name', () => {
  const columns = ['a', 'b', 'c'];
  it('reorders each MLflow form into the signature order', () => {
    expect(orderColumns({ dataframe_split: { columns: ['c', 'a', 'b'], data: [[3, 1, 2]] } }, columns, ['x'])).toEqual({
      dataframe_split: { data: [[1, 2, 3]] },
    });
    expect(orderColumns({ dataframe_records: [{ b: 2, c: 3, a: 1 }] }, columns, ['x'])).toEqual({
      dataframe_split: { data: [[1, 2, 3]] },
    });
    expect(orderColumns({ instances: [{ c: 3, b: 2, a: 1 }] }, columns, ['x'])).toEqual({
      dataframe_split: { data: [[1, 2, 3]] },
    });
    expect(orderColumns({ inputs: { c: [3, 6], a: [1, 4], b: [2, 5] } }, columns, ['x'])).toEqual({
      dataframe_split: {
        data: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      },
    });
    // Bodies that do not name the columns, and columns that are the inputs' own names, pass through.
    expect(orderColumns({ instances: [[1, 2, 3]] }, columns, ['x'])).toEqual({ instances: [[1, 2, 3]] });
    expect(orderColumns({ dataframe_records: [{ a: 1 }] }, ['a'], ['a'])).toEqual({ dataframe_records: [{ a: 1 }] });
  });

  it('refuses unknown and missing columns', () => {
    expect(() => orderColumns({ dataframe_records: [{ a: 1, b: 2, d: 4 }] }, columns, ['x'])).toThrow(
      /unknown column 'd'/,
    );
    expect(() => orderColumns({ dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } }, columns, ['x'])).toThrow(
      /missing column 'c'/,
    );
  });
});
