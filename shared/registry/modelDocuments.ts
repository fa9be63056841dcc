/**
 * Cosmos documents of the model registry (container `models`, partition key `/name`) and the API
 * shapes made from them. Changing a field here changes stored data and the public API.
 */
import type { StoredFile } from '../assets/hashedFile';
import type { ModelSignature } from '../scoring/datatypes';
import type { MlflowSignature } from './mlflowModel';
import type { ModelType } from './modelFolder';
import type { VersionHead } from '../storage/versionCounter';

/** Head document: one per model name. */
export interface ModelDoc extends VersionHead {
  type: 'model';
  latestVersion: number | null;
  aliases: Record<string, number>;
}

/** One registered version (`id` = `v{version}`). */
export interface ModelVersionDoc {
  id: string;
  type: 'version';
  name: string;
  version: number;
  description: string;
  tags: Record<string, string>;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  signature: ModelSignature;
  /** Blob path inside the `models` container: the ONNX file, or the version's folder (`name/3/`) for custom models. */
  blobPath: string;
  /** Absent on versions registered before folders: those are `onnx`. */
  modelType?: ModelType;
  /** Every file under `models/{name}/{version}/`; absent on versions registered before folders (one `model.onnx`). */
  files?: StoredFile[];
  /** The ONNX file's path inside the folder (`onnx`, `mlflow`). */
  modelFile?: string;
  flavors?: Record<string, unknown>;
  mlflowSignature?: MlflowSignature;
  /** Column names of a column-based MLflow signature, in order. */
  columns?: string[];
  /** A scoring body the model accepts (its MLflow input example); the warm-up uses it. */
  inputExample?: unknown;
}

/** `ModelVersion` of the API: the stored version without its storage fields. */
export interface ModelVersion extends Omit<ModelVersionDoc, 'id' | 'type' | 'blobPath' | 'modelType' | 'files'> {
  type: ModelType;
  files: StoredFile[];
}

/** The version's files; a version registered before folders has one, `model.onnx`. */
export function filesOf(doc: ModelVersionDoc): StoredFile[] {
  return doc.files ?? [{ path: 'model.onnx', sizeBytes: doc.sizeBytes, sha256: doc.sha256 }];
}

/** What loading a version needs, wherever it is loaded (the app, batch, the scorer). */
export interface ModelManifest {
  name: string;
  version: number;
  type: ModelType;
  /** The ONNX file inside the folder; absent for `custom`. */
  modelFile?: string;
  files: StoredFile[];
  /** For the warm-up and column-named bodies where the version document is not at hand (the scorer). */
  inputExample?: unknown;
  columns?: string[];
}

export function manifestOf(doc: ModelVersionDoc): ModelManifest {
  const type = doc.modelType ?? 'onnx';
  const modelFile = type === 'custom' ? undefined : (doc.modelFile ?? 'model.onnx');
  return {
    name: doc.name,
    version: doc.version,
    type,
    ...(modelFile ? { modelFile } : {}),
    files: filesOf(doc),
    ...(doc.inputExample !== undefined ? { inputExample: doc.inputExample } : {}),
    ...(doc.columns ? { columns: doc.columns } : {}),
  };
}

/** `Model` of the API. */
export interface Model {
  name: string;
  latestVersion: number | null;
  aliases: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export const versionId = (version: number): string => `v${version}`;

export function toModelVersion(doc: ModelVersionDoc): ModelVersion {
  return {
    name: doc.name,
    version: doc.version,
    description: doc.description,
    tags: doc.tags,
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256,
    createdAt: doc.createdAt,
    signature: doc.signature,
    type: doc.modelType ?? 'onnx',
    files: filesOf(doc),
    ...(doc.modelFile ? { modelFile: doc.modelFile } : {}),
    ...(doc.flavors ? { flavors: doc.flavors } : {}),
    ...(doc.mlflowSignature ? { mlflowSignature: doc.mlflowSignature } : {}),
    ...(doc.columns ? { columns: doc.columns } : {}),
    ...(doc.inputExample !== undefined ? { inputExample: doc.inputExample } : {}),
  };
}

export function toModel(doc: ModelDoc): Model {
  const aliases: Record<string, number> = { ...doc.aliases };
  if (doc.latestVersion !== null) aliases.latest = doc.latestVersion;
  return {
    name: doc.name,
    latestVersion: doc.latestVersion,
    aliases,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
