/**
 * The model registry: versions numbered per name, ONNX bytes in Blob, documents in Cosmos.
 *
 * @example
 *   const v = await registerModelVersion('iris', { format: 'onnx', path: '/tmp/iris.onnx' }, { description: 'first' });
 *   const same = await resolveModel(parseModelReference('iris@latest'));
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFolder, withoutSingleTopFolder } from '../assets/assetFolder';
import { hashFile, type StoredFile } from '../assets/hashedFile';
import { unpackArchive } from '../assets/safeArchive';
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { getContainer } from '../storage/cosmosDatabase';
import { deleteItem } from '../storage/deleteItem';
import { readTypedDoc } from '../storage/readTypedDoc';
import { etagOf, updateWithEtag as updateDoc, type EtagOptions } from '../storage/updateWithEtag';
import { fillVersion, listVersionDocs, reserveVersion, updateWithEtag } from '../storage/versionCounter';
import { deleteModelFolder, filesDigest, modelFolderPrefix, uploadModelFolder } from './modelBlobs';
import {
  manifestOf,
  toModel,
  toModelVersion,
  versionId,
  type Model,
  type ModelDoc,
  type ModelVersion,
  type ModelVersionDoc,
} from './modelDocuments';
import { describeModelFolder, type ModelContents, type ModelType } from './modelFolder';
import { assertAlias, assertName, type ModelReference } from './modelReference';

const models = () => getContainer('models');

export interface VersionDetails {
  description?: string;
  tags?: Record<string, string>;
  /** `onnx`, `mlflow` or `custom`; detected when absent. */
  type?: ModelType;
}

/** Where an upload lies on local disk, and what it is. */
export type ModelUpload =
  | { format: 'onnx' | 'zip' | 'tar.gz'; path: string }
  /** A folder; `files` when already hashed (a staged upload). */
  | { format: 'folder'; path: string; files?: StoredFile[] };

/**
 * Registers an upload as the next version of `name`: a raw `.onnx` file, a `.zip` or `.tar.gz` of a
 * folder, or a folder on local disk (`path`). Archives are unpacked safely, every file is hashed,
 * the folder is described (type, signature, external data kept inside it, MLflow metadata), then the
 * files go to Blob and the document to Cosmos. A file ONNX Runtime cannot open is refused (400) and
 * nothing is stored. The upload is read from disk as streams; nothing is held whole in memory.
 */
export async function registerModelVersion(
  name: string,
  upload: ModelUpload,
  details: VersionDetails,
): Promise<ModelVersion> {
  assertName('Model', name);
  const work = await mkdtemp(join(tmpdir(), 'sibyl-register-'));
  try {
    const { root, files } = await stageUpload(upload, work);
    if (!files.length) throw new SibylError('InvalidInput', 'The upload holds no files.');
    const contents = await describeModelFolder(root, files, details.type);
    return await storeVersion(name, root, files, contents, details);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Puts the upload's files under `work`; answers the folder that holds them and their records. */
async function stageUpload(upload: ModelUpload, work: string): Promise<{ root: string; files: StoredFile[] }> {
  if (upload.format === 'folder') return { root: upload.path, files: upload.files ?? (await listFolder(upload.path)) };
  const root = join(work, 'model');
  if (upload.format === 'onnx') {
    await mkdir(root);
    await copyFile(upload.path, join(root, 'model.onnx'));
    return { root, files: [await hashFile(join(root, 'model.onnx'), 'model.onnx')] };
  }
  const files = await unpackArchive(upload.format, upload.path, root, getConfig().archives);
  return withoutSingleTopFolder(root, files);
}

async function storeVersion(
  name: string,
  root: string,
  files: StoredFile[],
  contents: ModelContents,
  details: VersionDetails,
): Promise<ModelVersion> {
  const version = await reserveVersion<ModelDoc>(models(), name, 'model', () => ({
    type: 'model',
    latestVersion: null,
    aliases: {},
  }));
  const modelFile = contents.modelFile ? files.find((f) => f.path === contents.modelFile) : undefined;
  const doc: ModelVersionDoc = {
    id: versionId(version),
    type: 'version',
    name,
    version,
    description: details.description ?? '',
    tags: details.tags ?? {},
    // For an ONNX model the model file's own size and hash (as before folders); for others the folder's.
    sizeBytes: modelFile?.sizeBytes ?? files.reduce((sum, f) => sum + f.sizeBytes, 0),
    sha256: modelFile?.sha256 ?? filesDigest(files),
    createdAt: new Date().toISOString(),
    signature: contents.signature,
    blobPath: modelFolderPrefix(name, version) + (contents.modelFile ?? ''),
    modelType: contents.type,
    files,
    ...(contents.modelFile ? { modelFile: contents.modelFile } : {}),
    ...(contents.flavors ? { flavors: contents.flavors } : {}),
    ...(contents.mlflowSignature ? { mlflowSignature: contents.mlflowSignature } : {}),
    ...(contents.columns ? { columns: contents.columns } : {}),
    ...(contents.inputExample !== undefined ? { inputExample: contents.inputExample } : {}),
  };
  await fillVersion<ModelDoc>(
    models(),
    name,
    version,
    async () => {
      await uploadModelFolder(root, manifestOf(doc));
      await models().items.create(doc);
    },
    () => deleteModelFolder(name, version),
  );
  return toModelVersion(doc);
}

async function readHead(name: string): Promise<ModelDoc> {
  assertName('Model', name);
  const head = await readTypedDoc<ModelDoc>(models(), name, name, 'model');
  if (head) return head;
  throw new SibylError(
    'ModelNotFound',
    `Model '${name}' is not registered. Register it with POST api/models/${name}/versions.`,
  );
}

/** The model and the ETag of its document (for `If-Match` on a later alias PUT). */
export async function getModel(name: string): Promise<{ model: Model; etag: string | undefined }> {
  const head = await readHead(name);
  return { model: toModel(head), etag: etagOf(head) };
}

export async function listModels(): Promise<Model[]> {
  const { resources } = await models()
    .items.query<ModelDoc>({ query: "SELECT * FROM c WHERE c.type = 'model'" })
    .fetchAll();
  return resources.map(toModel).sort((a, b) => a.name.localeCompare(b.name));
}

export async function readVersionDoc(name: string, version: number): Promise<ModelVersionDoc> {
  assertName('Model', name);
  const doc = await readTypedDoc<ModelVersionDoc>(models(), versionId(version), name, 'version');
  if (doc) return doc;
  throw new SibylError('ModelNotFound', `Model '${name}' has no version ${version}.`);
}

/** The version and the ETag of its document (for `If-Match` on a later PATCH). */
export async function getModelVersion(
  name: string,
  version: number,
): Promise<{ version: ModelVersion; etag: string | undefined }> {
  const doc = await readVersionDoc(name, version);
  return { version: toModelVersion(doc), etag: etagOf(doc) };
}

export async function listModelVersions(name: string): Promise<ModelVersion[]> {
  await readHead(name);
  return (await listVersionDocs<ModelVersionDoc>(models(), name)).map(toModelVersion);
}

/** Resolves `name:version` or `name@alias` to a stored version. */
export async function resolveModel(ref: ModelReference): Promise<ModelVersionDoc> {
  if (ref.version !== undefined) return readVersionDoc(ref.name, ref.version);
  const head = await readHead(ref.name);
  const version = ref.alias === 'latest' ? head.latestVersion : head.aliases[ref.alias];
  if (version === null || version === undefined) {
    throw new SibylError(
      'ModelNotFound',
      `Model '${ref.name}' has no alias '${ref.alias}'. Set it with PUT api/models/${ref.name}/aliases/${ref.alias}.`,
    );
  }
  return readVersionDoc(ref.name, version);
}

/**
 * Changes description and tags; `tags` is a JSON merge patch (a `null` value removes that tag). With
 * `ifMatch` (the request's `If-Match`), only the version of the document the client read is changed (412).
 */
export async function updateModelVersion(
  name: string,
  version: number,
  change: { description?: string; tags?: Record<string, string | null> },
  options: Pick<EtagOptions, 'ifMatch'> = {},
): Promise<{ version: ModelVersion; etag: string }> {
  await readVersionDoc(name, version);
  const what = `Model ${name}:${version}`;
  const saved = await updateDoc<ModelVersionDoc>(
    models(),
    versionId(version),
    name,
    (doc) => {
      if (!doc) return undefined;
      const tags = { ...doc.tags };
      for (const [key, value] of Object.entries(change.tags ?? {})) {
        if (value === null) delete tags[key];
        else tags[key] = value;
      }
      return { ...doc, ...(change.description !== undefined ? { description: change.description } : {}), tags };
    },
    { ifMatch: options.ifMatch, what },
  );
  if (!saved) throw new SibylError('ModelNotFound', `Model '${name}' has no version ${version}.`);
  return { version: toModelVersion(saved.doc), etag: saved.etag };
}

/** Points `alias` at `version`. With `ifMatch`, only the version of the model the client read is changed (412). */
export async function setModelAlias(
  name: string,
  alias: string,
  version: number,
  options: Pick<EtagOptions, 'ifMatch'> = {},
): Promise<{ model: Model; etag: string }> {
  assertAlias(alias);
  if (alias === 'latest')
    throw new SibylError('InvalidInput', "The alias 'latest' is managed by Sibyl: it always names the newest version.");
  await readVersionDoc(name, version);
  const saved = await updateDoc<ModelDoc>(
    models(),
    name,
    name,
    (head) => head && { ...head, aliases: { ...head.aliases, [alias]: version }, updatedAt: new Date().toISOString() },
    { ifMatch: options.ifMatch, what: `Model '${name}'` },
  );
  if (!saved) throw new SibylError('ModelNotFound', `Model '${name}' is not registered.`);
  return { model: toModel(saved.doc), etag: saved.etag };
}

/**
 * Deletes a version unless a deployment or an alias uses it (409). `deploymentsUsing` lists the
 * deployments (`endpoint/deployment`) that serve it.
 */
export async function deleteModelVersion(
  name: string,
  version: number,
  deploymentsUsing: (name: string, version: number) => Promise<string[]>,
): Promise<void> {
  const doc = await readVersionDoc(name, version);
  const users = await deploymentsUsing(name, version);
  if (users.length) {
    throw new SibylError(
      'Conflict',
      `Model ${name}:${version} is used by deployment${users.length > 1 ? 's' : ''} ${users.join(', ')}; ` +
        `delete or move ${users.length > 1 ? 'them' : 'it'} first.`,
    );
  }
  const head = await readHead(name);
  const aliases = Object.entries(head.aliases)
    .filter(([, v]) => v === version)
    .map(([a]) => a);
  if (aliases.length)
    throw new SibylError(
      'Conflict',
      `Model ${name}:${version} is the target of alias ${aliases.join(', ')}; point the alias elsewhere first.`,
    );
  await deleteItem(models(), doc.id, name);
  await deleteModelFolder(name, version);
  const { resources } = await models()
    .items.query<number>(
      {
        query:
          "SELECT TOP 1 VALUE c.version FROM c WHERE c.type = 'version' AND c.name = @name ORDER BY c.version DESC",
        parameters: [{ name: '@name', value: name }],
      },
      { partitionKey: name },
    )
    .fetchAll();
  const latest = resources[0] ?? null;
  await updateWithEtag<ModelDoc>(models(), name, name, (h) =>
    h.latestVersion === latest ? undefined : { ...h, latestVersion: latest, updatedAt: new Date().toISOString() },
  );
}
