/** Code asset routes: `api/code…` (control plane). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBody, parseParams } from '../shared/api/validate';
import { CodeParams, CodeUploadQuery, CodeVersionParams } from '../shared/api/schemas';
import { SibylError } from '../shared/errors';
import { getCodeVersion, listCodeAssets, registerCodeVersion, type CodeUpload } from '../shared/registry/codeAssets';
import { registerRoute } from './http/registerRoute';
import { ARCHIVE_MEDIA_TYPES, mediaTypeOf, readBytes } from './http/requestBody';

registerRoute('registerCodeVersion', async (request, _context, call) => {
  const { name } = parseParams(CodeParams, request.params);
  const { fileName } = parseBody(
    CodeUploadQuery,
    { fileName: request.query.get('fileName') ?? undefined },
    'query string',
  );
  const contentType = mediaTypeOf(request);
  // An archive is a folder; any other body is one file.
  const archive = ARCHIVE_MEDIA_TYPES[contentType];
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
