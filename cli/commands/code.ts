/** `sibyl code …`: register and list code assets, the files of scoring scripts (routes `api/code…`). */
import type { Command } from 'commander';
import { seg } from '../core/apiClient';
import { act, commandGroup, leaf } from '../core/commandKit';
import { listCommand } from '../core/resourceCommands';
import { printResult, record, shortTime, table, type OutputFormat } from '../core/output';
import { registerCodePath } from '../core/codeUpload';
import { wholeNumber } from '../core/parseArgs';
import type { CodeAsset, CodeVersion } from '../../shared/api/schemas';

function printCodeVersion(format: OutputFormat, v: CodeVersion): void {
  printResult(format, v, () =>
    [
      record([
        ['code', `${v.name}:${v.version}`],
        ['created', shortTime(v.createdAt)],
      ]),
      table(
        ['path', 'bytes', 'sha256'],
        v.files.map((f) => [f.path, f.sizeBytes, f.sha256]),
      ),
    ].join('\n'),
  );
}

export function registerCodeCommands(program: Command): void {
  const code = commandGroup(program, 'code', 'Code assets: the files of scoring scripts that deployments run', [
    'sibyl code register score.py --name fraud-scorer',
    'sibyl code register ./src --name fraud-scorer',
  ]);

  leaf(
    code
      .command('register <path>')
      .description('Register a file, a .zip or .tar.gz, or a folder (sent as a .tar.gz) as the next version'),
    [
      'sibyl code register score.py --name fraud-scorer',
      'sibyl code register ./src --name fraud-scorer',
      'sibyl code register src.zip --name fraud-scorer',
    ],
  )
    .requiredOption('-n, --name <name>', 'code asset name (versions count 1, 2, 3… per name)')
    .action(
      act(async (ctx, path: string, opts: { name: string }) => {
        printCodeVersion(ctx.format, await registerCodePath(ctx.api(), opts.name, path));
      }),
    );

  listCommand<CodeAsset>(code, 'List code assets with their latest version', ['sibyl code list'], {
    head: ['name', 'latest', 'versions', 'updated'],
    row: (c) => [c.name, c.latestVersion, c.versions.join(', '), shortTime(c.updatedAt)],
  });

  leaf(code.command('show <name> <version>').description('Show a code asset version with its files'), [
    'sibyl code show fraud-scorer 1',
  ]).action(
    act(async (ctx, name: string, version: string) => {
      const v = wholeNumber(version, 'version', 1);
      printCodeVersion(ctx.format, await ctx.api().get<CodeVersion>(`/api/code/${seg(name)}/versions/${v}`));
    }),
  );
}
