/**
 * MLflow model folders: the `MLmodel` file (YAML) with its flavors, its signature (tensor-based or
 * column-based) and its saved input example. Only what Sibyl uses is read; the flavors are kept as
 * written. See https://mlflow.org/docs/latest/models.html for the format.
 */
import { parse as parseYaml } from 'yaml';
import { SibylError } from '../errors';
import type { OipDatatype } from '../scoring/datatypes';

/** One entry of an MLflow schema: a column (`type` = double, long, string…) or a tensor. */
export interface MlflowSpec {
  name?: string;
  type: string;
  'tensor-spec'?: { dtype: string; shape: number[] };
  required?: boolean;
}

export interface MlflowSignature {
  inputs: MlflowSpec[];
  outputs?: MlflowSpec[];
  params?: unknown;
}

export interface MlflowModel {
  flavors: Record<string, unknown>;
  /** The ONNX file named by the `onnx` flavor's `data`; undefined without that flavor. */
  onnxFile?: string;
  signature?: MlflowSignature;
  /** `saved_input_example_info` as written. */
  inputExampleInfo?: { artifact_path?: string; type?: string; pandas_orient?: string };
}

const invalid = (why: string) => new SibylError('InvalidModel', `The MLmodel file is not valid: ${why}.`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Signature schemas are JSON strings inside the YAML (MLflow writes them so); objects are accepted too. */
function schema(value: unknown, what: string): MlflowSpec[] | undefined {
  if (value === null || value === undefined) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalid(`signature.${what} is not JSON`);
    }
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => isRecord(s) && typeof s.type === 'string')) {
    throw invalid(`signature.${what} must be a list of {type, name?} entries`);
  }
  for (const spec of parsed as MlflowSpec[]) {
    if (spec.type !== 'tensor') continue;
    const t = spec['tensor-spec'];
    if (
      !isRecord(t) ||
      typeof t.dtype !== 'string' ||
      !Array.isArray(t.shape) ||
      !t.shape.every((d) => Number.isInteger(d))
    ) {
      throw invalid(`signature.${what}: a tensor entry needs "tensor-spec": {"dtype", "shape"}`);
    }
  }
  return parsed as MlflowSpec[];
}

/** Parses the text of an `MLmodel` file. */
export function parseMlmodel(text: string): MlflowModel {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw invalid(`it is not YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isRecord(doc) || !isRecord(doc.flavors)) throw invalid('it has no "flavors" mapping');
  const model: MlflowModel = { flavors: doc.flavors };
  const onnxFlavor = doc.flavors.onnx;
  if (onnxFlavor !== undefined) {
    if (!isRecord(onnxFlavor) || typeof onnxFlavor.data !== 'string' || !onnxFlavor.data)
      throw invalid('the onnx flavor has no "data" naming the ONNX file');
    model.onnxFile = onnxFlavor.data;
  }
  if (doc.signature !== undefined && doc.signature !== null) {
    if (!isRecord(doc.signature)) throw invalid('"signature" must be a mapping');
    const inputs = schema(doc.signature.inputs, 'inputs');
    if (inputs)
      model.signature = {
        inputs,
        outputs: schema(doc.signature.outputs, 'outputs'),
        params: doc.signature.params ?? undefined,
      };
  }
  if (isRecord(doc.saved_input_example_info)) model.inputExampleInfo = doc.saved_input_example_info;
  return model;
}

/** numpy dtype names of MLflow tensor specs → OIP datatypes. */
const NUMPY_TYPES: Readonly<Record<string, OipDatatype>> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  str: 'BYTES',
  object: 'BYTES',
  bytes: 'BYTES',
};

/** Column types of MLflow column schemas: which OIP datatypes can carry each. */
const COLUMN_TYPES: Readonly<Record<string, readonly OipDatatype[]>> = {
  double: ['FP64', 'FP32', 'FP16'],
  float: ['FP32', 'FP64', 'FP16'],
  long: ['INT64', 'INT32', 'FP32', 'FP64'],
  integer: ['INT32', 'INT64', 'FP32', 'FP64'],
  boolean: ['BOOL'],
  string: ['BYTES'],
  binary: ['BYTES'],
  datetime: ['BYTES', 'INT64'],
};

export function numpyToOip(dtype: string): OipDatatype | undefined {
  return NUMPY_TYPES[dtype];
}

export function columnCarries(type: string, datatype: OipDatatype): boolean {
  return COLUMN_TYPES[type]?.includes(datatype) ?? false;
}
