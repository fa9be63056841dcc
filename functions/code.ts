/** Code asset routes: `api/code…` (control plane). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBody, parseParams } from '../shared/api/validate';
import { CodeParams, CodeUploadQuery, CodeVersionParams } from '../shared/api/schemas';
import { SibylError } from '../shared/errors';
import { getCodeVersion, listCodeAssets, registerCodeVersion, type CodeUpload } from '../shared/registry/codeAssets';
import { registerRoute } from './http/registerRoute';
import { readBytes } from './http/requestBody';

/** Archive media types of `POST api/code/{name}/versions`; any other body is one file. */
const ARCHIVE_FORMATS: Readonly<Record<string, 'zip' | 'tar.gz'>> = {
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'application/gzip': 'tar.gz',
  'application/x-gzip': 'tar.gz',
  'application/x-gtar': 'tar.gz',
};

registerRoute('registerCodeVersion', async (request, _context, call) => {
  const { name } = parseParams(CodeParams, request.params);
  const { fileName } = parseBody(
    CodeUploadQuery,
    { fileName: request.query.get('fileName') ?? undefined },
    'query string',
  );
  const contentType = (request.headers.get('content-type') ?? 'application/octet-stream')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const archive = ARCHIVE_FORMATS[contentType];
  if (!archive && !fileName)
    throw new SibylError(
      'InvalidInput',
      `Name the file with ?fileName= (e.g. POST api/code/${name}/versions?fileName=score.py), or send a folder as ` +
        `a .zip (application/zip) or .tar.gz (application/gzip); got one file of type '${contentType}'.`,
      [{ target: 'fileName', message: 'required for a single file' }],
    );
  const folder = await mkdtemp(join(tmpdir(), 'sibyl-code-upload-'));
  try {
    const path = join(folder, 'upload');
    await writeFile(path, await readBytes(request));
    const upload: CodeUpload = archive ? { format: archive, path } : { format: 'file', path, fileName: fileName! };
    const version = await registerCodeVersion(name, upload);
    call.log.model = `code ${name}:${version.version}`;
    return { status: 201, jsonBody: version, headers: { location: `/api/code/${name}/versions/${version.version}` } };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

registerRoute('listCodeAssets', async () => ({ jsonBody: { value: await listCodeAssets() } }));

registerRoute('getCodeVersion', async (request) => {
  const { name, version } = parseParams(CodeVersionParams, request.params);
  return { jsonBody: await getCodeVersion(name, version) };
});
