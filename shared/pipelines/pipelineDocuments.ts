/**
 * Pipeline documents (Cosmos container `pipelines`, partition key `/name`): one head per pipeline
 * (id = name) holding the draft and the version counter, and one document per published version
 * (id `v{N}`), which is never changed except for its `enabled` flag. Changing a field changes stored
 * data and the public API (`Pipeline`, `PipelineVersion`).
 */
import type { Pipeline, PipelineVersion } from '../api/schemas';
import type { VersionHead } from '../storage/versionCounter';
import type { PipelineDefinition } from './pipelineChecks';

export interface PipelineHeadDoc extends VersionHead {
  type: 'pipeline';
  draft: PipelineDefinition;
  latestVersion: number | null;
}

export interface PipelineVersionDoc {
  id: string;
  type: 'version';
  name: string;
  version: number;
  definition: PipelineDefinition;
  enabled: boolean;
  publishedAt: string;
  updatedAt: string;
}

export const versionId = (version: number): string => `v${version}`;

/** `POST` here to run a version. */
export function runUriOf(baseUrl: string, name: string, version: number): string {
  return `${baseUrl}/api/pipelines/${encodeURIComponent(name)}/versions/${version}/runs`;
}

export function toPipeline(head: PipelineHeadDoc): Pipeline {
  const { description, parameters, steps } = head.draft;
  return {
    name: head.name,
    ...(description !== undefined ? { description } : {}),
    parameters,
    steps,
    status: 'Draft',
    ...(head.latestVersion ? { latestVersion: head.latestVersion } : {}),
    updatedAt: head.updatedAt,
  };
}

export function toPipelineVersion(doc: PipelineVersionDoc, baseUrl: string): PipelineVersion {
  const { description, parameters, steps } = doc.definition;
  return {
    name: doc.name,
    version: doc.version,
    ...(description !== undefined ? { description } : {}),
    parameters,
    steps,
    enabled: doc.enabled,
    runUri: runUriOf(baseUrl, doc.name, doc.version),
    publishedAt: doc.publishedAt,
    updatedAt: doc.updatedAt,
  };
}
