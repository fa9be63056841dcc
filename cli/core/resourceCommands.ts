/**
 * The commands that many resource groups share, declared once. A group is named for its API collection
 * (`sibyl monitors …` ⇄ `api/monitors`), so `show <name>`, `delete <name>` and `apply <file>` address
 * `api/GROUP/{name}`; each group prints with its own printer.
 *
 * @example
 *   listCommand<Monitor>(monitors, 'List monitors', ['sibyl monitors list'], { head: ['monitor'], row: (m) => [m.name] });
 *   showCommand<Monitor>(monitors, 'Show a monitor', 'iris-drift', printMonitor);
 *   deleteCommand(monitors, 'monitor', 'Delete a monitor (its runs stay)', 'iris-drift');
 */
import type { Command } from 'commander';
import { seg } from './apiClient';
import { act, leaf, listAction, type CommandContext, type ListView } from './commandKit';
import { printResult } from './output';
import { readSpecFile } from './specFile';

/** `api/GROUP/{name}`. */
const itemPath = (group: Command, name: string) => `/api/${group.name()}/${seg(name)}`;

/** `sibyl GROUP list`: prints the items of `api/GROUP` as JSON, or a table as `view` says. */
export function listCommand<T>(
  group: Command,
  description: string,
  examples: readonly string[],
  view: ListView<T>,
): void {
  leaf(group.command('list').description(description), examples).action(listAction<T>(`/api/${group.name()}`, view));
}

/** `sibyl GROUP show <name>`: prints `api/GROUP/{name}`; `example` is a name to show in help. */
export function showCommand<T>(
  group: Command,
  description: string,
  example: string,
  print: (ctx: CommandContext, item: T) => void,
): void {
  leaf(group.command('show <name>').description(description), [`sibyl ${group.name()} show ${example}`]).action(
    act(async (ctx, name: string) => print(ctx, await ctx.api().get<T>(itemPath(group, name)))),
  );
}

/** `sibyl GROUP delete <name>`: deletes `api/GROUP/{name}`; `noun` names one in the message ("monitor"). */
export function deleteCommand(group: Command, noun: string, description: string, example: string): void {
  leaf(group.command('delete <name>').description(description), [`sibyl ${group.name()} delete ${example}`]).action(
    act(async (ctx, name: string) => {
      await ctx.api().delete(itemPath(group, name));
      printResult(ctx.format, { deleted: name }, () => `Deleted ${noun} '${name}'.`);
    }),
  );
}

/**
 * `sibyl GROUP apply <file> [--name NAME]`: PUTs the spec a YAML or JSON file holds to `api/GROUP/{name}`
 * (name from `--name`, the file's `name`, else the file name) and prints the answer; `created` is true on a 201.
 */
export function applyCommand<T>(
  group: Command,
  noun: string,
  description: string,
  examples: readonly string[],
  print: (ctx: CommandContext, item: T, created: boolean) => void,
): void {
  leaf(group.command('apply <file>').description(description), examples)
    .option('-n, --name <name>', `${noun} name (default: the file's \`name\`, else the file name)`)
    .action(
      act(async (ctx, file: string, opts: { name?: string }) => {
        const { name, spec } = await readSpecFile(file, opts.name);
        const { body, status } = await ctx.api().put<T>(itemPath(group, name), spec);
        print(ctx, body, status === 201);
      }),
    );
}
