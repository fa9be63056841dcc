/**
 * Checks where an ONNX model's external data lives. ONNX Runtime reads each `location` relative to
 * the model file's folder (or, for a model given as bytes, the process's working directory), so a
 * location that is absolute, climbs out with `..`, or names a file the model did not bring would let
 * a model read any file the host can: Sibyl refuses those at registration and again at load.
 *
 * @example
 *   checkExternalData(readFileSync('model/model.onnx'), 'model.onnx', files); // throws InvalidModelError
 */
import { posix } from 'node:path';
import { onnx } from 'onnx-proto';
import type { StoredFile } from '../assets/hashedFile';
import { InvalidModelError } from '../scoring/onnxSignature';

/** One tensor stored outside the model file. */
export interface ExternalTensor {
  tensor: string;
  location: string;
  offset: number;
  length: number | undefined;
}

const EXTERNAL = onnx.TensorProto.DataLocation.EXTERNAL;

function* tensorsOfGraph(graph: onnx.IGraphProto | null | undefined): Generator<onnx.ITensorProto> {
  if (!graph) return;
  yield* graph.initializer ?? [];
  for (const sparse of graph.sparseInitializer ?? []) {
    if (sparse.values) yield sparse.values;
    if (sparse.indices) yield sparse.indices;
  }
  for (const node of graph.node ?? []) yield* tensorsOfNode(node);
}

function* tensorsOfNode(node: onnx.INodeProto): Generator<onnx.ITensorProto> {
  for (const a of node.attribute ?? []) {
    if (a.t) yield a.t;
    yield* a.tensors ?? [];
    for (const sparse of [a.sparseTensor, ...(a.sparseTensors ?? [])]) {
      if (sparse?.values) yield sparse.values;
      if (sparse?.indices) yield sparse.indices;
    }
    yield* tensorsOfGraph(a.g);
    for (const g of a.graphs ?? []) yield* tensorsOfGraph(g);
  }
}

/** Every tensor of the model (subgraphs and functions included) whose data is external. */
export function externalTensors(bytes: Uint8Array): ExternalTensor[] {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new InvalidModelError('The file is not an ONNX model, or it is truncated (its protobuf could not be read)', {
      cause: error,
    });
  }
  const found: ExternalTensor[] = [];
  const all = [...tensorsOfGraph(model.graph)];
  for (const fn of model.functions ?? []) for (const node of fn.node ?? []) all.push(...tensorsOfNode(node));
  for (const t of all) {
    if (t.dataLocation !== EXTERNAL) continue;
    const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const length = entries.get('length');
    found.push({
      tensor: t.name ?? '',
      location: entries.get('location') ?? '',
      offset: Number(entries.get('offset') ?? 0),
      length: length === undefined ? undefined : Number(length),
    });
  }
  return found;
}

/**
 * Refuses external data that is not a file of the model's own folder: `modelFile` is the model's
 * path inside the folder, `files` the folder's files. Answers the tensors, all checked.
 */
export function checkExternalData(
  bytes: Uint8Array,
  modelFile: string,
  files: readonly StoredFile[],
): ExternalTensor[] {
  const sizes = new Map(files.map((f) => [f.path, f.sizeBytes]));
  const tensors = externalTensors(bytes);
  for (const t of tensors) {
    const where = `Tensor '${t.tensor}' of ${modelFile} keeps its data in '${t.location.slice(0, 200)}'`;
    const location = t.location.replace(/\\/g, '/');
    if (!location)
      throw new InvalidModelError(`Tensor '${t.tensor}' of ${modelFile} has external data without a location`);
    if (location.startsWith('/') || /^[A-Za-z]:/.test(location) || location.includes('\0')) {
      throw new InvalidModelError(`${where}, an absolute path; external data must be a file inside the model's folder`);
    }
    if (location.split('/').includes('..'))
      throw new InvalidModelError(
        `${where}, which climbs out with '..'; external data must be a file inside the model's folder`,
      );
    const path = posix.normalize(posix.join(posix.dirname(modelFile), location));
    const size = sizes.get(path);
    if (size === undefined)
      throw new InvalidModelError(`${where}, which is not one of the model's files; add it to the folder or archive`);
    if (
      !Number.isSafeInteger(t.offset) ||
      t.offset < 0 ||
      (t.length !== undefined && (!Number.isSafeInteger(t.length) || t.length < 0))
    ) {
      throw new InvalidModelError(`${where} at an invalid offset or length`);
    }
    if (t.offset + (t.length ?? 0) > size)
      throw new InvalidModelError(`${where} past the end of that file (${size} bytes)`);
  }
  return tensors;
}
