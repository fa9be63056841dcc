/**
 * Cosmos documents of the model registry (container `models`, partition key `/name`) and the API
 * shapes made from them. Changing a field here changes stored data and the public API.
 */
import type { ModelSignature } from '../scoring/datatypes';
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
  /** Blob path inside the `models` container. */
  blobPath: string;
}

/** `ModelVersion` of the API: the stored version without its storage fields. */
export type ModelVersion = Omit<ModelVersionDoc, 'id' | 'type' | 'blobPath'>;

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
  };
}

export function toModel(doc: ModelDoc): Model {
  const aliases: Record<string, number> = { ...doc.aliases };
  if (doc.latestVersion !== null) aliases.latest = doc.latestVersion;
  return { name: doc.name, latestVersion: doc.latestVersion, aliases, createdAt: doc.createdAt, updatedAt: doc.updatedAt };
}
