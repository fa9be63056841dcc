/**
 * Code assets (Azure ML's `code`): the files of a scoring script, versioned per name like models.
 * An upload is one file, a `.zip` or a `.tar.gz` (unpacked with the model archives' checks and caps);
 * the files go to Blob (`code/{name}/{version}/…` plus a manifest, see compute/userRuntime.ts) and the
 * record to Cosmos (container `code`). Versions are immutable.
 *
 * @example
 *   const v = await registerCodeVersion('scorer', { format: 'file', path: '/tmp/up', fileName: 'score.py' });
 *   // { name: 'scorer', version: 1, files: [{ path: 'score.py', sizeBytes: 312, sha256: '…' }], createdAt }
 */
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  deleteFolderBlobs,
  uploadFolderBlobs,
  uploadManifestBlob,
  withoutSingleTopFolder,
} from '../assets/assetFolder';
import { hashFile, type StoredFile } from '../assets/hashedFile';
import { safeEntryPath, unpackArchive } from '../assets/safeArchive';
import { CODE_CONTAINER, codeFolderPrefix, codeManifestPath, type CodeManifest } from '../compute/userRuntime';
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { ownContainer } from '../storage/blobService';
import { isNotFound } from '../storage/cosmosErrors';
import { getContainer } from '../storage/cosmosDatabase';
import { fillVersion, reserveVersion, type LatestVersionHead } from '../storage/versionCounter';
import { assertName } from './modelReference';

/** `CodeVersion` of the API. */
export interface CodeVersion extends CodeManifest {
  createdAt: string;
}

/** `CodeAsset` of the API: a name with its latest version and every version number. */
export interface CodeAsset {
  name: string;
  latestVersion: number;
  versions: number[];
  createdAt: string;
  updatedAt: string;
}

type CodeHead = LatestVersionHead;

interface CodeVersionDoc extends CodeVersion {
  id: string;
  type: 'codeVersion';
}

/** An upload on local disk: one file (stored as `fileName`) or an archive of a folder. */
export type CodeUpload =
  { format: 'file'; path: string; fileName: string } | { format: 'zip' | 'tar.gz'; path: string };

const code = () => getContainer('code');
/** The code container, created on first use. */
const codeBlobs = ownContainer(CODE_CONTAINER);

/** Registers the next version of `name` from `upload`; nothing is stored when the upload is refused. */
export async function registerCodeVersion(name: string, upload: CodeUpload): Promise<CodeVersion> {
  assertName('Code asset', name);
  const work = await mkdtemp(join(tmpdir(), 'sibyl-code-'));
  try {
    const { root, files } = await stage(upload, work);
    if (!files.length)
      throw new SibylError('InvalidInput', 'The upload holds no files; a code asset needs at least one.');
    return await store(name, root, files);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function stage(upload: CodeUpload, work: string): Promise<{ root: string; files: StoredFile[] }> {
  const root = join(work, 'code');
  const limits = getConfig().archives;
  const { size } = await stat(upload.path);
  if (size === 0) throw new SibylError('InvalidInput', 'The upload is empty; send a file, a .zip or a .tar.gz.');
  if (upload.format !== 'file')
    return withoutSingleTopFolder(root, await unpackArchive(upload.format, upload.path, root, limits));
  const path = safeEntryPath(upload.fileName);
  if (size > limits.maxUnpackedBytes)
    throw new SibylError(
      'PayloadTooLarge',
      `The file is ${size} bytes; a code asset holds at most ${limits.maxUnpackedBytes} (SIBYL_MAX_UNPACKED_BYTES).`,
    );
  await mkdir(dirname(join(root, path)), { recursive: true });
  await copyFile(upload.path, join(root, path));
  return { root, files: [await hashFile(join(root, path), path)] };
}

async function store(name: string, root: string, files: StoredFile[]): Promise<CodeVersion> {
  const version = await reserveVersion<CodeHead>(code(), name, 'code', () => ({ latestVersion: null }));
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
  const record: CodeVersion = { name, version, files: sorted, createdAt: new Date().toISOString() };
  const blobs = await codeBlobs();
  await fillVersion<CodeHead>(
    code(),
    name,
    version,
    async () => {
      await uploadFolderBlobs(blobs, codeFolderPrefix(name, version), root, sorted);
      const manifest: CodeManifest = { name, version, files: sorted };
      await uploadManifestBlob(blobs, codeManifestPath(name, version), manifest);
      await code().items.create<CodeVersionDoc>({ ...record, id: versionId(version), type: 'codeVersion' });
    },
    () => deleteFolderBlobs(blobs, codeFolderPrefix(name, version), codeManifestPath(name, version)),
  );
  return record;
}

const versionId = (version: number) => `v${version}`;

function toCodeVersion(doc: CodeVersionDoc): CodeVersion {
  return { name: doc.name, version: doc.version, files: doc.files, createdAt: doc.createdAt };
}

/** The stored version, or 404 `CodeNotFound`. */
export async function getCodeVersion(name: string, version: number): Promise<CodeVersion> {
  assertName('Code asset', name);
  try {
    const { resource } = await code().item(versionId(version), name).read<CodeVersionDoc>();
    if (resource?.type === 'codeVersion') return toCodeVersion(resource);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  throw new SibylError(
    'CodeNotFound',
    `Code asset '${name}' has no version ${version}. Register one with POST api/code/${name}/versions.`,
  );
}

/** Every code asset with its latest version and version numbers, by name. */
export async function listCodeAssets(): Promise<CodeAsset[]> {
  const { resources: heads } = await code().items.query<CodeHead>("SELECT * FROM c WHERE c.type = 'code'").fetchAll();
  const { resources: versions } = await code()
    .items.query<{ name: string; version: number }>("SELECT c.name, c.version FROM c WHERE c.type = 'codeVersion'")
    .fetchAll();
  return heads
    .filter((head) => typeof head.latestVersion === 'number')
    .map((head) => ({
      name: head.name,
      latestVersion: head.latestVersion!,
      versions: versions
        .filter((v) => v.name === head.name)
        .map((v) => v.version)
        .sort((a, b) => a - b),
      createdAt: head.createdAt,
      updatedAt: head.updatedAt,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `name:version` of a code asset, as a deployment's `code.code` names it. */
export function parseCodeReference(text: string): { name: string; version: number } {
  const m = /^(.+):(\d{1,9})$/.exec(text);
  if (!m || Number(m[2]) < 1)
    throw new SibylError(
      'InvalidInput',
      `code.code '${text.slice(0, 100)}' is not a code asset reference: use 'name:version', e.g. 'scorer:1'.`,
      [{ target: 'code.code', message: "use 'name:version'" }],
    );
  assertName('Code asset', m[1]!);
  return { name: m[1]!, version: Number(m[2]) };
}
