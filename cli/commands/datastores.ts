/** `sibyl datastores list|show|set`: named Blob containers that batch jobs and pipelines use (`api/datastores`). */
import type { Command } from 'commander';
import { seg } from '../core/apiClient';
import type { Datastore } from '../core/blobAccess';
import { act, commandGroup, leaf } from '../core/commandKit';
import { listCommand, showCommand } from '../core/resourceCommands';
import { printResult, record, shortTime, type OutputFormat } from '../core/output';

function printDatastore(format: OutputFormat, d: Datastore): void {
  printResult(format, d, () =>
    record([
      ['datastore', d.name],
      ['container', d.container],
      ['prefix', d.prefix],
      ['account', d.accountUrl],
      ['default', d.isDefault ? 'yes' : undefined],
      ['updated', shortTime(d.updatedAt)],
    ]),
  );
}

export function registerDatastoreCommands(program: Command): void {
  const datastores = commandGroup(
    program,
    'datastores',
    'Datastores: Blob containers (and prefixes) for batch input and output',
    ['sibyl datastores list', 'sibyl datastores set landing --container scoring-data --prefix landing/'],
  );

  listCommand<Datastore>(datastores, 'List datastores (workspaceblobstore always exists)', ['sibyl datastores list'], {
    head: ['datastore', 'container', 'prefix', 'account', 'default'],
    row: (d) => [d.name, d.container, d.prefix, d.accountUrl, d.isDefault ? '*' : ''],
  });

  showCommand<Datastore>(datastores, 'Show a datastore', 'workspaceblobstore', (ctx, d) =>
    printDatastore(ctx.format, d),
  );

  leaf(datastores.command('set <name>').description('Register or update a datastore'), [
    'sibyl datastores set landing --container scoring-data --prefix landing/',
  ])
    .requiredOption('--container <container>', 'Blob container name (3–63 lower-case letters, digits, hyphens)')
    .option('--prefix <prefix>', 'folder inside the container that every path is relative to')
    .action(
      act(async (ctx, name: string, opts: { container: string; prefix?: string }) => {
        const { body } = await ctx
          .api()
          .put<Datastore>(`/api/datastores/${seg(name)}`, { container: opts.container, prefix: opts.prefix });
        printDatastore(ctx.format, body);
      }),
    );
}
