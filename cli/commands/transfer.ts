/**
 * `sibyl upload FILE|FOLDER DATASTORE:PATH` and `sibyl download DATASTORE:PATH [DEST]`: copy files to
 * and from a datastore through the Blob SDK, on the storage account the API reports for it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ApiError, UsageError } from '../core/cliErrors';
import { act, leaf } from '../core/commandKit';
import { printResult, table } from '../core/output';
import { parseDatastorePath } from '../core/parseArgs';

interface Moved {
  local: string;
  datastore: string;
  path: string;
  bytes: number;
}

const CONNECTION = [
  '--connection-string <cs>',
  "storage connection string (default: AZURE_STORAGE_CONNECTION_STRING, Azurite's dev key locally, else your Azure login)",
] as const;

/** The Blob SDK is loaded only by the commands that move files: it is most of the CLI's start-up time. */
const loadBlobAccess = () => import('../core/blobAccess');

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function movedTable(moved: Moved[]): string {
  return table(
    ['local', 'datastore path', 'bytes'],
    moved.map((m) => [m.local, `${m.datastore}:${m.path}`, m.bytes]),
    '(nothing)',
  );
}

export function registerTransferCommands(program: Command): void {
  leaf(program.command('upload <source> <destination>').description('Upload a file or a folder to DATASTORE:PATH'), [
    'sibyl upload day1.csv workspaceblobstore:iris/input/          # → iris/input/day1.csv',
    'sibyl upload day1.csv workspaceblobstore:iris/input/today.csv',
    'sibyl upload ./inputs workspaceblobstore:iris/input/           # a folder, recursively',
  ])
    .option(...CONNECTION)
    .action(
      act(async (ctx, source: string, destination: string, opts: { connectionString?: string }) => {
        const { datastoreBlobs, storageCall } = await loadBlobAccess();
        const target = parseDatastorePath(destination, { allowEmptyPath: true });
        const stat = fs.statSync(source, { throwIfNoEntry: false });
        if (!stat) throw new UsageError(`no such file or folder: ${source}`);
        const asFolder = stat.isDirectory() || target.path === '' || target.path.endsWith('/');
        const folder = target.path === '' || target.path.endsWith('/') ? target.path : `${target.path}/`;
        const files = stat.isDirectory()
          ? filesUnder(source).map((rel) => ({ local: path.join(source, rel), path: `${folder}${rel}` }))
          : [{ local: source, path: asFolder ? `${folder}${path.basename(source)}` : target.path }];
        if (files.length === 0) throw new UsageError(`${source} has no files to upload.`);
        const blobs = await datastoreBlobs(ctx.api(), target.datastore, opts.connectionString);
        await storageCall(`container '${blobs.datastore.container}'`, () => blobs.container.createIfNotExists());
        const moved: Moved[] = [];
        for (const file of files) {
          const name = blobs.blobName(file.path);
          await storageCall(`uploading ${file.local}`, () =>
            blobs.container.getBlockBlobClient(name).uploadFile(file.local),
          );
          moved.push({
            local: file.local,
            datastore: target.datastore,
            path: file.path,
            bytes: fs.statSync(file.local).size,
          });
        }
        printResult(ctx.format, moved, () => movedTable(moved));
      }),
    );

  leaf(
    program.command('download <source> [destination]').description('Download a blob or a folder from DATASTORE:PATH'),
    [
      'sibyl download workspaceblobstore:iris/output/predictions.csv',
      'sibyl download workspaceblobstore:iris/output/ ./results        # a folder',
    ],
  )
    .option(...CONNECTION)
    .action(
      act(async (ctx, source: string, destination: string | undefined, opts: { connectionString?: string }) => {
        const { datastoreBlobs, storageCall } = await loadBlobAccess();
        const from = parseDatastorePath(source, { allowEmptyPath: true });
        const blobs = await datastoreBlobs(ctx.api(), from.datastore, opts.connectionString);
        const what = `${from.datastore}:${from.path}`;
        const moved: Moved[] = [];
        const single =
          from.path && !from.path.endsWith('/') ? blobs.container.getBlobClient(blobs.blobName(from.path)) : undefined;
        if (single && (await storageCall(`reading ${what}`, () => single.exists()))) {
          const isDir =
            destination !== undefined &&
            (destination.endsWith('/') ||
              destination.endsWith(path.sep) ||
              fs.statSync(destination, { throwIfNoEntry: false })?.isDirectory());
          const local =
            destination === undefined
              ? path.basename(from.path)
              : isDir
                ? path.join(destination, path.basename(from.path))
                : destination;
          fs.mkdirSync(path.dirname(path.resolve(local)), { recursive: true });
          await storageCall(`downloading ${what}`, () => single.downloadToFile(local));
          moved.push({ local, datastore: from.datastore, path: from.path, bytes: fs.statSync(local).size });
        } else {
          const folder = from.path === '' || from.path.endsWith('/') ? from.path : `${from.path}/`;
          const dest = destination ?? (path.basename(folder.replace(/\/$/, '')) || '.');
          const prefix = blobs.blobName(folder);
          await storageCall(`listing ${what}`, async () => {
            for await (const blob of blobs.container.listBlobsFlat({ prefix })) {
              const rel = blob.name.slice(prefix.length);
              const local = path.join(dest, ...rel.split('/'));
              fs.mkdirSync(path.dirname(path.resolve(local)), { recursive: true });
              await blobs.container.getBlobClient(blob.name).downloadToFile(local);
              moved.push({
                local,
                datastore: from.datastore,
                path: blobs.relativePath(blob.name),
                bytes: fs.statSync(local).size,
              });
            }
          });
          if (moved.length === 0)
            throw new ApiError(404, 'BlobNotFound', `nothing at ${what}: no such blob, and no blobs under it.`);
        }
        printResult(ctx.format, moved, () => movedTable(moved));
      }),
    );
}
