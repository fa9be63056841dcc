/**
 * Staged uploads of models larger than a request may be: `POST api/models/{name}/uploads` answers a
 * short-lived, write-only SAS for a prefix of the `model-uploads` container; the client uploads the
 * files there in blocks, in parallel; `POST api/models/{name}/versions` with `{"upload": id}` then
 * streams them to local disk (hashing as they flow, capped like archives) and registers them.
 *
 * The SAS is a user-delegation SAS signed with the app's identity in Azure, an account SAS where the
 * app holds an account key (the local Azurite). Both allow create and write only: no read, list or
 * delete. A SAS cannot be narrowed to a prefix of a flat-namespace container, so the upload id is an
 * unguessable UUID and registration hashes what it finds itself.
 *
 * @example
 *   const staged = await createStagedUpload('llm'); // { id, uploadUrl, prefix: 'llm/3f…/', expiresOn }
 *   // … the client uploads llm/3f…/model.onnx and llm/3f…/weights.bin …
 *   await registerStagedUpload('llm', staged.id, { type: 'onnx' });
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  ContainerSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import { writeHashedFile, type StoredFile } from '../assets/hashedFile';
import { safeEntryPath, UnsafeArchiveError } from '../assets/safeArchive';
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { getBlobServiceClient, ownContainer } from '../storage/blobService';
import type { ModelVersion } from './modelDocuments';
import { registerModelVersion, type VersionDetails } from './modelRegistry';
import { assertName } from './modelReference';

export const STAGING_CONTAINER = 'model-uploads';
/** How long the upload SAS lasts. */
const SAS_MINUTES = 60;

/** The answer of `POST api/models/{name}/uploads`. Changing it breaks clients. */
export interface StagedUpload {
  id: string;
  /** The staging container's URL with the SAS; upload each file to `{container}/{prefix}{path}`. */
  uploadUrl: string;
  container: string;
  prefix: string;
  expiresOn: string;
  /** The largest body a direct upload may send; bigger models go through this upload. */
  maxRequestBytes: number;
}

/** The staging container, created on first use. */
const staging = ownContainer(STAGING_CONTAINER);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function writeOnlySas(container: ContainerClient, startsOn: Date, expiresOn: Date): Promise<string> {
  const service = getBlobServiceClient();
  if (service.credential instanceof StorageSharedKeyCredential) {
    return generateAccountSASQueryParameters(
      {
        services: AccountSASServices.parse('b').toString(),
        resourceTypes: AccountSASResourceTypes.parse('o').toString(),
        permissions: AccountSASPermissions.parse('cw'),
        startsOn,
        expiresOn,
        protocol: container.url.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
      },
      service.credential,
    ).toString();
  }
  const key = await service.getUserDelegationKey(startsOn, expiresOn);
  return generateBlobSASQueryParameters(
    {
      containerName: STAGING_CONTAINER,
      permissions: ContainerSASPermissions.parse('cw'),
      startsOn,
      expiresOn,
      protocol: SASProtocol.Https,
    },
    key,
    service.accountName,
  ).toString();
}

/** Opens a staged upload for model `name`. */
export async function createStagedUpload(name: string): Promise<StagedUpload> {
  assertName('Model', name);
  const container = await staging();
  const id = randomUUID();
  // A little slack for clocks that disagree.
  const startsOn = new Date(Date.now() - 5 * 60_000);
  const expiresOn = new Date(Date.now() + SAS_MINUTES * 60_000);
  const sas = await writeOnlySas(container, startsOn, expiresOn);
  return {
    id,
    uploadUrl: `${container.url}?${sas}`,
    container: STAGING_CONTAINER,
    prefix: `${name}/${id}/`,
    expiresOn: expiresOn.toISOString(),
    maxRequestBytes: getConfig().maxRequestBytes,
  };
}

/** Streams the staged files to `folder`, capped like an archive; answers them hashed. */
async function downloadStaged(container: ContainerClient, prefix: string, folder: string): Promise<StoredFile[]> {
  const { maxFiles, maxUnpackedBytes } = getConfig().archives;
  const files: StoredFile[] = [];
  let total = 0;
  for await (const blob of container.listBlobsFlat({ prefix })) {
    const relative = blob.name.slice(prefix.length);
    const path = safeEntryPath(relative);
    if (files.length >= maxFiles)
      throw new UnsafeArchiveError(relative, `the upload holds more than ${maxFiles} files (SIBYL_MAX_ARCHIVE_FILES)`);
    const tooBig = () =>
      new UnsafeArchiveError(
        relative,
        `the uploaded files exceed ${maxUnpackedBytes} bytes (SIBYL_MAX_UNPACKED_BYTES)`,
      );
    if (total + (blob.properties.contentLength ?? 0) > maxUnpackedBytes) throw tooBig();
    const target = join(folder, path);
    await mkdir(dirname(target), { recursive: true });
    const response = await container.getBlockBlobClient(blob.name).download();
    const stored = await writeHashedFile(
      response.readableStreamBody as AsyncIterable<Buffer> & NodeJS.ReadableStream,
      target,
      {
        path,
        maxBytes: maxUnpackedBytes - total,
        tooBig,
      },
    );
    total += stored.sizeBytes;
    files.push(stored);
  }
  return files;
}

const ARCHIVE_NAMES: ReadonlyArray<[RegExp, 'zip' | 'tar.gz']> = [
  [/\.zip$/i, 'zip'],
  [/\.(tar\.gz|tgz)$/i, 'tar.gz'],
];

/**
 * Registers the files staged under upload `id` as the next version of `name`, then deletes them.
 * One staged `.zip` / `.tar.gz` is unpacked; one `.onnx` is a raw model; anything else is a folder.
 */
export async function registerStagedUpload(name: string, id: string, details: VersionDetails): Promise<ModelVersion> {
  assertName('Model', name);
  if (!UUID.test(id))
    throw new SibylError(
      'InvalidInput',
      `'${id.slice(0, 100)}' is not an upload id; start one with POST api/models/${name}/uploads.`,
    );
  const container = await staging();
  const prefix = `${name}/${id}/`;
  const work = await mkdtemp(join(tmpdir(), 'sibyl-staged-'));
  try {
    const folder = join(work, 'files');
    const files = await downloadStaged(container, prefix, folder);
    if (!files.length)
      throw new SibylError(
        'InvalidInput',
        `Upload ${id} of model '${name}' holds no files: upload them to ${STAGING_CONTAINER}/${prefix} first.`,
      );
    const [only] = files;
    const archive =
      files.length === 1 && only ? ARCHIVE_NAMES.find(([pattern]) => pattern.test(only.path))?.[1] : undefined;
    const version = archive
      ? await registerModelVersion(name, { format: archive, path: join(folder, only!.path) }, details)
      : await registerModelVersion(name, { format: 'folder', path: folder, files }, details);
    for await (const blob of container.listBlobsFlat({ prefix }))
      await container.getBlockBlobClient(blob.name).deleteIfExists();
    return version;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
