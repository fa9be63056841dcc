/**
 * What a registered folder holds: its type (`onnx`, `mlflow` or `custom`, detected unless given), the
 * ONNX file to serve, the signature ONNX Runtime reads from it (opened from its own folder), external
 * data checked to stay inside the folder, MLflow flavors and signature, and an input example.
 *
 * @example
 *   const contents = await describeModelFolder('/tmp/up/model', files); // { type: 'mlflow', modelFile: 'model.onnx', … }
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredFile } from '../assets/hashedFile';
import { SibylError } from '../errors';
import type { ModelSignature } from '../scoring/datatypes';
import { readSignature } from '../scoring/onnxSignature';
import { checkExternalData } from './externalData';
import { parseMlmodel, type MlflowSignature } from './mlflowModel';
import { checkMlflowSignature } from './mlflowSignatureCheck';
import type { ModelType } from './modelTypes';

export type { ModelType } from './modelTypes';

/** Largest input example kept in the version document. */
const MAX_INPUT_EXAMPLE_BYTES = 256 * 1024;

export interface ModelContents {
  type: ModelType;
  /** The ONNX file inside the folder (`onnx` and `mlflow`). */
  modelFile?: string;
  signature: ModelSignature;
  flavors?: Record<string, unknown>;
  mlflowSignature?: MlflowSignature;
  /** Column names, in order, of a column-based MLflow signature. */
  columns?: string[];
  /** A scoring body (`{"dataframe_split": …}`, `{"inputs": …}`) the model accepts. */
  inputExample?: unknown;
}

const EMPTY: ModelSignature = { inputs: [], outputs: [] };

/** Describes the folder at `root` holding `files`; `requested` is the `type` query, if any. */
export async function describeModelFolder(
  root: string,
  files: readonly StoredFile[],
  requested?: ModelType,
): Promise<ModelContents> {
  const paths = new Set(files.map((f) => f.path));
  const topOnnx = files
    .filter((f) => !f.path.includes('/') && f.path.toLowerCase().endsWith('.onnx'))
    .map((f) => f.path);
  const type = requested ?? (paths.has('MLmodel') ? 'mlflow' : topOnnx.length === 1 ? 'onnx' : undefined);
  if (!type) {
    const why =
      topOnnx.length > 1
        ? `it has ${topOnnx.length} top-level .onnx files (${topOnnx.slice(0, 5).join(', ')})`
        : 'it has no MLmodel and no top-level .onnx file';
    throw new SibylError(
      'InvalidInput',
      `Cannot tell what kind of model this is: ${why}. ` +
        `Say type=custom (files for a scoring script), or type=onnx with exactly one top-level .onnx file.`,
    );
  }
  if (type === 'custom') return { type, signature: EMPTY };
  if (type === 'mlflow') return describeMlflow(root, files, paths);
  if (topOnnx.length !== 1)
    throw new SibylError(
      'InvalidInput',
      `type=onnx needs exactly one top-level .onnx file; this folder has ${topOnnx.length}.`,
    );
  const contents = await describeOnnx(root, topOnnx[0]!, files);
  if (paths.has('input_example.json'))
    contents.inputExample = await readExample(root, 'input_example.json', files, (json) => json);
  return contents;
}

async function describeOnnx(root: string, modelFile: string, files: readonly StoredFile[]): Promise<ModelContents> {
  const file = join(root, modelFile);
  checkExternalData(await readFile(file), modelFile, files);
  return { type: 'onnx', modelFile, signature: await readSignature({ file }) };
}

async function describeMlflow(
  root: string,
  files: readonly StoredFile[],
  paths: ReadonlySet<string>,
): Promise<ModelContents> {
  if (!paths.has('MLmodel'))
    throw new SibylError('InvalidInput', 'type=mlflow needs an MLmodel file at the top of the folder.');
  const mlflow = parseMlmodel(await readFile(join(root, 'MLmodel'), 'utf8'));
  const base = { flavors: mlflow.flavors, ...(mlflow.signature ? { mlflowSignature: mlflow.signature } : {}) };
  const example = await mlflowExample(root, files, paths, mlflow.inputExampleInfo);
  // Without an onnx flavor the folder is for a scoring script (e.g. a sklearn pickle).
  if (!mlflow.onnxFile)
    return { type: 'custom', signature: EMPTY, ...base, ...(example === undefined ? {} : { inputExample: example }) };
  const modelFile = mlflow.onnxFile.replace(/^\.\//, '');
  if (!paths.has(modelFile))
    throw new SibylError(
      'InvalidModel',
      `The MLmodel onnx flavor names '${modelFile.slice(0, 200)}', which is not a file of the model.`,
    );
  const contents = await describeOnnx(root, modelFile, files);
  const columns = mlflow.signature ? checkMlflowSignature(mlflow.signature, contents.signature).columns : undefined;
  return {
    ...contents,
    type: 'mlflow',
    ...base,
    ...(columns ? { columns } : {}),
    ...(example === undefined ? {} : { inputExample: example }),
  };
}

/** MLflow's saved example as a scoring body: `serving_input_example.json` is one already. */
async function mlflowExample(
  root: string,
  files: readonly StoredFile[],
  paths: ReadonlySet<string>,
  info: { artifact_path?: string; type?: string; pandas_orient?: string } | undefined,
) {
  if (paths.has('serving_input_example.json'))
    return readExample(root, 'serving_input_example.json', files, (json) => json);
  const artifact = info?.artifact_path ?? (paths.has('input_example.json') ? 'input_example.json' : undefined);
  if (!artifact) return undefined;
  if (!paths.has(artifact))
    throw new SibylError(
      'InvalidModel',
      `The MLmodel input example '${artifact.slice(0, 200)}' is not a file of the model.`,
    );
  return readExample(root, artifact, files, (json) => {
    if (
      info?.type === 'dataframe' ||
      (info?.type === undefined && isRecord(json) && 'columns' in json && 'data' in json)
    ) {
      return info?.pandas_orient === 'records' ? { dataframe_records: json } : { dataframe_split: json };
    }
    return isRecord(json) && 'inputs' in json ? json : { inputs: json };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readExample(
  root: string,
  path: string,
  files: readonly StoredFile[],
  toBody: (json: unknown) => unknown,
): Promise<unknown> {
  const size = files.find((f) => f.path === path)?.sizeBytes ?? 0;
  if (size > MAX_INPUT_EXAMPLE_BYTES)
    throw new SibylError(
      'InvalidInput',
      `The input example '${path}' is ${size} bytes; at most ${MAX_INPUT_EXAMPLE_BYTES} are kept. Save a smaller example.`,
    );
  try {
    return toBody(JSON.parse(await readFile(join(root, path), 'utf8')));
  } catch {
    throw new SibylError('InvalidModel', `The input example '${path}' is not valid JSON.`);
  }
}
