/**
 * The model registry: versions numbered per name, ONNX bytes in Blob, documents in Cosmos.
 *
 * @example
 *   const v = await registerModelVersion('iris', bytes, { description: 'first', tags: {} });
 *   const same = await resolveModel(parseModelReference('iris@latest'));
 */
import { SibylError } from '../errors';
import { readSignature } from '../scoring/onnxSignature';
import { isNotFound } from '../storage/cosmosErrors';
import { getContainer } from '../storage/cosmosDatabase';
import { releaseVersion, reserveVersion, updateWithEtag } from '../storage/versionCounter';
import { deleteModelBlob, modelBlobPath, sha256Of, uploadModelBlob } from './modelBlobs';
import { toModel, toModelVersion, versionId, type Model, type ModelDoc, type ModelVersion, type ModelVersionDoc } from './modelDocuments';
import { assertAlias, assertName, type ModelReference } from './modelReference';

const models = () => getContainer('models');

export interface VersionDetails {
  description?: string;
  tags?: Record<string, string>;
}

/** Registers `bytes` as the next version of `name`. A file ONNX Runtime cannot open is refused (400) and nothing is stored. */
export async function registerModelVersion(name: string, bytes: Uint8Array, details: VersionDetails): Promise<ModelVersion> {
  assertName('Model', name);
  const signature = await readSignature(bytes);
  const sha256 = sha256Of(bytes);
  const version = await reserveVersion<ModelDoc>(models(), name, 'model', () => ({ type: 'model', latestVersion: null, aliases: {} }));
  const doc: ModelVersionDoc = {
    id: versionId(version),
    type: 'version',
    name,
    version,
    description: details.description ?? '',
    tags: details.tags ?? {},
    sizeBytes: bytes.byteLength,
    sha256,
    createdAt: new Date().toISOString(),
    signature,
    blobPath: modelBlobPath(name, version),
  };
  try {
    await uploadModelBlob(doc.blobPath, bytes, sha256);
    await models().items.create(doc);
  } catch (error) {
    await deleteModelBlob(doc.blobPath).catch(() => undefined);
    await releaseVersion(models(), name, version);
    throw error;
  }
  await updateWithEtag<ModelDoc>(models(), name, name, (head) =>
    (head.latestVersion ?? 0) >= version ? undefined : { ...head, latestVersion: version, updatedAt: new Date().toISOString() },
  );
  return toModelVersion(doc);
}

async function readHead(name: string): Promise<ModelDoc> {
  assertName('Model', name);
  try {
    const { resource } = await models().item(name, name).read<ModelDoc>();
    if (resource && resource.type === 'model') return resource;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  throw new SibylError('ModelNotFound', `Model '${name}' is not registered. Register it with POST api/models/${name}/versions.`);
}

export async function getModel(name: string): Promise<Model> {
  return toModel(await readHead(name));
}

export async function listModels(): Promise<Model[]> {
  const { resources } = await models()
    .items.query<ModelDoc>({ query: "SELECT * FROM c WHERE c.type = 'model'" })
    .fetchAll();
  return resources.map(toModel).sort((a, b) => a.name.localeCompare(b.name));
}

export async function readVersionDoc(name: string, version: number): Promise<ModelVersionDoc> {
  assertName('Model', name);
  try {
    const { resource } = await models().item(versionId(version), name).read<ModelVersionDoc>();
    if (resource) return resource;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  throw new SibylError('ModelNotFound', `Model '${name}' has no version ${version}.`);
}

export async function getModelVersion(name: string, version: number): Promise<ModelVersion> {
  return toModelVersion(await readVersionDoc(name, version));
}

export async function listModelVersions(name: string): Promise<ModelVersion[]> {
  await readHead(name);
  const { resources } = await models()
    .items.query<ModelVersionDoc>({ query: "SELECT * FROM c WHERE c.type = 'version' AND c.name = @name ORDER BY c.version", parameters: [{ name: '@name', value: name }] }, { partitionKey: name })
    .fetchAll();
  return resources.map(toModelVersion);
}

/** Resolves `name:version` or `name@alias` to a stored version. */
export async function resolveModel(ref: ModelReference): Promise<ModelVersionDoc> {
  if (ref.version !== undefined) return readVersionDoc(ref.name, ref.version);
  const head = await readHead(ref.name);
  const version = ref.alias === 'latest' ? head.latestVersion : head.aliases[ref.alias];
  if (version === null || version === undefined) {
    throw new SibylError('ModelNotFound', `Model '${ref.name}' has no alias '${ref.alias}'. Set it with PUT api/models/${ref.name}/aliases/${ref.alias}.`);
  }
  return readVersionDoc(ref.name, version);
}

/** Changes description and tags; `tags` is a JSON merge patch (a `null` value removes that tag). */
export async function updateModelVersion(name: string, version: number, change: { description?: string; tags?: Record<string, string | null> }): Promise<ModelVersion> {
  await readVersionDoc(name, version);
  const saved = await updateWithEtag<ModelVersionDoc>(models(), versionId(version), name, (doc) => {
    const tags = { ...doc.tags };
    for (const [key, value] of Object.entries(change.tags ?? {})) {
      if (value === null) delete tags[key];
      else tags[key] = value;
    }
    return { ...doc, ...(change.description !== undefined ? { description: change.description } : {}), tags };
  });
  if (!saved) throw new SibylError('ModelNotFound', `Model '${name}' has no version ${version}.`);
  return toModelVersion(saved);
}

export async function setModelAlias(name: string, alias: string, version: number): Promise<Model> {
  assertAlias(alias);
  if (alias === 'latest') throw new SibylError('InvalidInput', "The alias 'latest' is managed by Sibyl: it always names the newest version.");
  await readVersionDoc(name, version);
  const saved = await updateWithEtag<ModelDoc>(models(), name, name, (head) => ({ ...head, aliases: { ...head.aliases, [alias]: version }, updatedAt: new Date().toISOString() }));
  return toModel(saved!);
}

/**
 * Deletes a version unless a deployment or an alias uses it (409). `deploymentsUsing` lists the
 * deployments (`endpoint/deployment`) that serve it.
 */
export async function deleteModelVersion(name: string, version: number, deploymentsUsing: (name: string, version: number) => Promise<string[]>): Promise<void> {
  const doc = await readVersionDoc(name, version);
  const users = await deploymentsUsing(name, version);
  if (users.length) {
    throw new SibylError('Conflict', `Model ${name}:${version} is used by deployment${users.length > 1 ? 's' : ''} ${users.join(', ')}; delete or move ${users.length > 1 ? 'them' : 'it'} first.`);
  }
  const head = await readHead(name);
  const aliases = Object.entries(head.aliases).filter(([, v]) => v === version).map(([a]) => a);
  if (aliases.length) throw new SibylError('Conflict', `Model ${name}:${version} is the target of alias ${aliases.join(', ')}; point the alias elsewhere first.`);
  try {
    await models().item(doc.id, name).delete();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await deleteModelBlob(doc.blobPath);
  const { resources } = await models()
    .items.query<number>({ query: "SELECT TOP 1 VALUE c.version FROM c WHERE c.type = 'version' AND c.name = @name ORDER BY c.version DESC", parameters: [{ name: '@name', value: name }] }, { partitionKey: name })
    .fetchAll();
  const latest = resources[0] ?? null;
  await updateWithEtag<ModelDoc>(models(), name, name, (h) => (h.latestVersion === latest ? undefined : { ...h, latestVersion: latest, updatedAt: new Date().toISOString() }));
}
