/**
 * Holds an MLflow signature to the ONNX graph it describes: a tensor-based signature must name the
 * graph's inputs with the same datatypes and compatible shapes; a column-based one must fit the
 * inputs' widths (one column per input when the columns name them, else consecutive columns) with
 * column types the input datatypes can carry. A mismatch is a 400 `InvalidModel` saying which.
 */
import { SibylError } from '../errors';
import type { ModelSignature, TensorSpec } from '../scoring/datatypes';
import { columnCarries, numpyToOip, type MlflowSignature, type MlflowSpec } from './mlflowModel';

const mismatch = (why: string) =>
  new SibylError('InvalidModel', `The MLmodel signature does not match the ONNX graph: ${why}.`);

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function shapesAgree(declared: readonly number[], graph: TensorSpec): boolean {
  if (graph.unknownRank) return true;
  if (declared.length !== graph.shape.length) return false;
  return declared.every((d, i) => d === -1 || graph.shape[i] === -1 || graph.shape[i] === d);
}

function checkTensors(specs: readonly MlflowSpec[], graph: readonly TensorSpec[], role: 'input' | 'output'): void {
  if (specs.length !== graph.length) {
    throw mismatch(
      `it declares ${specs.length} ${role}s, the graph has ${graph.length} (${graph.map((g) => g.name).join(', ')})`,
    );
  }
  specs.forEach((spec, i) => {
    const tensor = spec['tensor-spec']!;
    const target = spec.name !== undefined ? graph.find((g) => g.name === spec.name) : graph[i];
    if (!target)
      throw mismatch(
        `${role} '${spec.name}' is not in the graph, whose ${role}s are ${graph.map((g) => g.name).join(', ')}`,
      );
    const datatype = numpyToOip(tensor.dtype);
    if (datatype !== target.datatype)
      throw mismatch(`${role} '${target.name}' is ${tensor.dtype} in MLmodel and ${target.datatype} in the graph`);
    if (!shapesAgree(tensor.shape, target)) {
      throw mismatch(
        `${role} '${target.name}' has shape ${shapeText(tensor.shape)} in MLmodel and ${shapeText(target.shape)} in the graph`,
      );
    }
  });
}

/** How many columns a `[-1]`/`[-1, k]` input takes, or undefined when its width is not fixed. */
function widthOf(spec: TensorSpec): number | undefined {
  if (spec.shape.length === 1) return 1;
  if (spec.shape.length === 2 && spec.shape[1]! > 0) return spec.shape[1];
  return undefined;
}

function checkColumns(columns: readonly MlflowSpec[], inputs: readonly TensorSpec[]): void {
  const names = columns.map((c) => c.name ?? '');
  const byName = inputs.length === columns.length && inputs.every((s) => names.includes(s.name));
  const carries = (column: MlflowSpec, spec: TensorSpec) => {
    if (!columnCarries(column.type, spec.datatype)) {
      throw mismatch(
        `column '${column.name ?? ''}' is ${column.type}, which input '${spec.name}' (${spec.datatype}) cannot take`,
      );
    }
  };
  if (byName) {
    for (const spec of inputs) {
      if (widthOf(spec) !== 1 && !(spec.shape.length === 2 && spec.shape[1] === -1))
        throw mismatch(`input '${spec.name}' ${shapeText(spec.shape)} cannot take one column`);
      carries(columns[names.indexOf(spec.name)]!, spec);
    }
    return;
  }
  let offset = 0;
  for (const spec of inputs) {
    const width = widthOf(spec) ?? (inputs.length === 1 ? columns.length : undefined);
    if (width === undefined)
      throw mismatch(`input '${spec.name}' ${shapeText(spec.shape)} has no fixed width to take columns by position`);
    for (const column of columns.slice(offset, offset + width)) carries(column, spec);
    offset += width;
  }
  if (offset !== columns.length) {
    throw mismatch(
      `it has ${columns.length} columns, the graph's inputs take ${offset} ` +
        `(${inputs.map((s) => `${s.name} ${shapeText(s.shape)}`).join(', ')})`,
    );
  }
}

/**
 * Checks `mlflow` against `graph`; answers the column names (in order) of a column-based signature,
 * which scoring bodies use to address the inputs.
 */
export function checkMlflowSignature(mlflow: MlflowSignature, graph: ModelSignature): { columns?: string[] } {
  const tensorBased = mlflow.inputs.some((s) => s.type === 'tensor');
  if (tensorBased) {
    if (!mlflow.inputs.every((s) => s.type === 'tensor')) throw mismatch('its inputs mix tensors and columns');
    checkTensors(mlflow.inputs, graph.inputs, 'input');
    const outputs = mlflow.outputs ?? [];
    if (outputs.length && outputs.every((s) => s.type === 'tensor' && s.name !== undefined))
      checkTensors(outputs, graph.outputs, 'output');
    return {};
  }
  checkColumns(mlflow.inputs, graph.inputs);
  return { columns: mlflow.inputs.map((c) => c.name ?? '') };
}
