/**
 * Pipelines: drafts saved with `PUT`, published as immutable numbered versions, versions disabled
 * or enabled. Storage layout in `pipelineDocuments.ts`.
 *
 * @example
 *   await savePipelineDraft('nightly', parsePipelineDefinition(json));
 *   const { version } = await publishPipeline('nightly', 'http://localhost:7071'); // 1, then 2…
 *   await setPipelineVersionEnabled('nightly', 1, false, baseUrl);
 */
import type { Pipeline, PipelineVersion, PublishedPipeline } from '../api/schemas';
import { SibylError } from '../errors';
import { readTypedDoc } from '../storage/readTypedDoc';
import { getContainer } from '../storage/cosmosDatabase';
import { etagOf, updateWithEtag as updateDoc } from '../storage/updateWithEtag';
import { fillVersion, listVersionDocs, reserveVersion } from '../storage/versionCounter';
import type { PipelineDefinition } from './pipelineChecks';
import {
  runUriOf,
  toPipeline,
  toPipelineVersion,
  versionId,
  type PipelineHeadDoc,
  type PipelineVersionDoc,
} from './pipelineDocuments';
import { checkPublishable } from './publishChecks';

const pipelines = () => getContainer('pipelines');

export function pipelineNotFound(name: string, version?: number): SibylError {
  const shown = name.slice(0, 255);
  return version === undefined
    ? new SibylError(
        'PipelineNotFound',
        `Pipeline '${shown}' does not exist. Save a draft with PUT api/pipelines/${shown}.`,
      )
    : new SibylError(
        'PipelineNotFound',
        `Pipeline '${shown}' has no published version ${version}. Publish the draft with POST api/pipelines/${shown}/publish.`,
      );
}

function readHead(name: string): Promise<PipelineHeadDoc | undefined> {
  return readTypedDoc<PipelineHeadDoc>(pipelines(), name, name, 'pipeline');
}

/**
 * Saves the draft of `name`; `created` is true for a new pipeline (201). With `ifMatch` (the
 * request's `If-Match`), only the version the client read is replaced (412 otherwise).
 */
export async function savePipelineDraft(
  name: string,
  draft: PipelineDefinition,
  options: { ifMatch?: string } = {},
): Promise<{ pipeline: Pipeline; created: boolean; etag: string }> {
  const saved = await updateDoc<PipelineHeadDoc>(
    pipelines(),
    name,
    name,
    (head) => {
      const now = new Date().toISOString();
      return head
        ? { ...head, draft, updatedAt: now }
        : {
            id: name,
            name,
            type: 'pipeline',
            nextVersion: 1,
            latestVersion: null,
            draft,
            createdAt: now,
            updatedAt: now,
          };
    },
    { ifMatch: options.ifMatch, what: `Pipeline '${name}'` },
  );
  const { doc, created, etag } = saved!;
  return { pipeline: toPipeline(doc), created, etag };
}

/** The draft and the ETag of its document (for `If-Match` on a later PUT). */
export async function getPipeline(name: string): Promise<{ pipeline: Pipeline; etag: string | undefined }> {
  const head = await readHead(name);
  if (!head) throw pipelineNotFound(name);
  return { pipeline: toPipeline(head), etag: etagOf(head) };
}

export async function listPipelines(): Promise<Pipeline[]> {
  const { resources } = await pipelines()
    .items.query<PipelineHeadDoc>("SELECT * FROM c WHERE c.type = 'pipeline'")
    .fetchAll();
  return resources.map(toPipeline).sort((a, b) => a.name.localeCompare(b.name));
}

/** Validates the draft (400 with the reason) and freezes it as the next version. */
export async function publishPipeline(name: string, baseUrl: string): Promise<PublishedPipeline> {
  const head = await readHead(name);
  if (!head) throw pipelineNotFound(name);
  await checkPublishable(head.draft);
  const version = await reserveVersion<PipelineHeadDoc>(pipelines(), name, 'pipeline', () => ({
    type: 'pipeline',
    latestVersion: null,
    draft: head.draft,
  }));
  const now = new Date().toISOString();
  const doc: PipelineVersionDoc = {
    id: versionId(version),
    type: 'version',
    name,
    version,
    definition: head.draft,
    enabled: true,
    publishedAt: now,
    updatedAt: now,
  };
  await fillVersion<PipelineHeadDoc>(pipelines(), name, version, () => pipelines().items.create(doc));
  return { name, version, runUri: runUriOf(baseUrl, name, version) };
}

/** The stored version; throws PipelineNotFound. */
export async function readPipelineVersion(name: string, version: number): Promise<PipelineVersionDoc> {
  const doc = await readTypedDoc<PipelineVersionDoc>(pipelines(), versionId(version), name, 'version');
  if (!doc) throw pipelineNotFound(name, version);
  return doc;
}

/** The published version and the ETag of its document (for `If-Match` on a later PATCH). */
export async function getPipelineVersion(
  name: string,
  version: number,
  baseUrl: string,
): Promise<{ version: PipelineVersion; etag: string | undefined }> {
  const doc = await readPipelineVersion(name, version);
  return { version: toPipelineVersion(doc, baseUrl), etag: etagOf(doc) };
}

export async function listPipelineVersions(name: string, baseUrl: string): Promise<PipelineVersion[]> {
  if (!(await readHead(name))) throw pipelineNotFound(name);
  const docs = await listVersionDocs<PipelineVersionDoc>(pipelines(), name);
  return docs.map((doc) => toPipelineVersion(doc, baseUrl));
}

/**
 * Disables (refuses new runs) or enables a published version. With `ifMatch` (the request's `If-Match`),
 * only the version of the document the client read is changed (412 otherwise).
 */
export async function setPipelineVersionEnabled(
  name: string,
  version: number,
  enabled: boolean,
  baseUrl: string,
  options: { ifMatch?: string } = {},
): Promise<{ version: PipelineVersion; etag: string }> {
  await readPipelineVersion(name, version);
  const saved = await updateDoc<PipelineVersionDoc>(
    pipelines(),
    versionId(version),
    name,
    (doc) => (!doc || doc.enabled === enabled ? undefined : { ...doc, enabled, updatedAt: new Date().toISOString() }),
    { ifMatch: options.ifMatch, what: `Pipeline '${name}' version ${version}` },
  );
  if (!saved) throw pipelineNotFound(name, version);
  return { version: toPipelineVersion(saved.doc, baseUrl), etag: saved.etag };
}

/** A version that can start a run: published and enabled (409 when disabled). */
export async function runnableVersion(name: string, version: number): Promise<PipelineVersionDoc> {
  const doc = await readPipelineVersion(name, version);
  if (!doc.enabled)
    throw new SibylError(
      'Conflict',
      `Pipeline ${name}:${version} is disabled; ` +
        `enable it with PATCH api/pipelines/${name}/versions/${version} {"enabled": true}, or run another version.`,
    );
  return doc;
}
