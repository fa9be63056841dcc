/** Code assets (Azure ML's `code`): the files of a scoring script, versioned per name. */
import { Type, type Static } from '@sinclair/typebox';
import { AssetName, Timestamp, VersionNumber, listOf } from './common';

/** One file of a code asset. */
export const CodeFile = Type.Object(
  {
    path: Type.String({ description: 'Path inside the asset, `/`-separated.' }),
    sizeBytes: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the file, lower-case hex.' }),
  },
  { title: 'CodeFile', description: 'A file of a code asset.' },
);

/** A registered code asset version. */
export const CodeVersion = Type.Object(
  {
    name: AssetName,
    version: VersionNumber,
    files: Type.Array(CodeFile, { description: 'Every file of the version, by path.' }),
    createdAt: Type.Optional(Timestamp),
  },
  {
    title: 'CodeVersion',
    description: 'A version of a code asset; a deployment names it as `name:version` in `code.code`.',
    examples: [
      {
        name: 'fraud-scorer',
        version: 1,
        files: [{ path: 'score.py', sizeBytes: 812, sha256: 'a'.repeat(64) }],
        createdAt: '2026-06-01T12:00:00.000Z',
      },
    ],
  },
);
export type CodeVersion = Static<typeof CodeVersion>;

/** A code asset: its versions share a name. */
export const CodeAsset = Type.Object(
  {
    name: AssetName,
    latestVersion: VersionNumber,
    versions: Type.Array(VersionNumber, { description: 'Every version number, oldest first.' }),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'CodeAsset',
    description: 'A code asset with its latest version and every version number.',
    examples: [{ name: 'fraud-scorer', latestVersion: 2, versions: [1, 2] }],
  },
);
export type CodeAsset = Static<typeof CodeAsset>;

export const CodeAssetList = listOf(CodeAsset, 'CodeAssetList');
export type CodeAssetList = Static<typeof CodeAssetList>;

export const CodeParams = Type.Object({ name: AssetName });
export const CodeVersionParams = Type.Object({ name: AssetName, version: VersionNumber });

/** `POST api/code/{name}/versions?fileName=score.py`: the file's name when the body is a single file. */
export const CodeUploadQuery = Type.Object(
  {
    fileName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description:
          'The name (relative path) the single file is stored under; required unless the body is an archive.',
        examples: ['score.py'],
      }),
    ),
  },
  { additionalProperties: false },
);
