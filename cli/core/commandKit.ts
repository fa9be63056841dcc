/**
 * What every leaf command shares: `--profile` and `--output json|table`, help examples, and an action
 * wrapper that hands the action a context (output format, API client) built from those options.
 *
 * @example
 *   leaf(models.command('list').description('List models'), ['sibyl models list -o json'])
 *     .action(act(async (ctx) => { … }));
 */
import { Option, type Command } from 'commander';
import { ApiClient } from './apiClient';
import { resolveConnection } from './connection';
import { OUTPUT_FORMATS, printResult, table, type Cell, type OutputFormat } from './output';

export interface CommonOptions {
  profile?: string;
  /** Allow plain http to a host other than this machine. */
  insecure?: boolean;
  /** The format; `batch run` collects its values, to read the deprecated DATASTORE:PATH form too. */
  output?: OutputFormat | string[];
}

export interface CommandContext {
  format: OutputFormat;
  profile?: string;
  insecure: boolean;
  /** The API client for the resolved profile (resolved on first use, so `login` needs no profile). */
  api(): ApiClient;
}

/** Adds `--profile` and `--output` (unless the command defines its own `--output`) and the examples. */
export function leaf(command: Command, examples: readonly string[], options: { ownOutput?: boolean } = {}): Command {
  command.addOption(
    new Option(
      '--profile <name>',
      'login profile to use (default: SIBYL_PROFILE, SIBYL_URL/SIBYL_KEY, or the default profile)',
    ),
  );
  command.addOption(
    new Option(
      '--insecure',
      'allow plain http:// to a host other than this machine (the key then crosses the network in clear)',
    ),
  );
  if (!options.ownOutput)
    command.addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'));
  return withExamples(command, examples);
}

/** A group of commands under `parent` (`sibyl monitors …`), with its description and help examples. */
export function commandGroup(parent: Command, name: string, description: string, examples: readonly string[]): Command {
  return withExamples(parent.command(name).description(description), examples);
}

/** Appends an "Examples:" section to the command's help. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  if (examples.length) command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  return command;
}

/** The last json|table value of `--output` (default table). */
function formatOf(output: CommonOptions['output']): OutputFormat {
  const values: readonly string[] = Array.isArray(output) ? output : output ? [output] : [];
  return values.filter((v): v is OutputFormat => (OUTPUT_FORMATS as readonly string[]).includes(v)).pop() ?? 'table';
}

/** Builds the context for a command's options. */
export function contextFor(options: CommonOptions): CommandContext {
  let client: ApiClient | undefined;
  return {
    format: formatOf(options.output),
    profile: options.profile,
    insecure: options.insecure === true,
    api: () => (client ??= new ApiClient(resolveConnection({ profile: options.profile, insecure: options.insecure }))),
  };
}

/**
 * Wraps an action: commander calls it with the positionals, the options and the command; the wrapped
 * function gets the context first, then the same arguments.
 */
export function act<A extends unknown[]>(
  fn: (ctx: CommandContext, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    await fn(contextFor(command.opts<CommonOptions>()), ...(args.slice(0, -1) as A));
  };
}

/** How a list prints as a table: the column heads, one row per item, and what to print when there is none. */
export interface ListView<T> {
  head: readonly string[];
  row: (item: T) => readonly Cell[];
  empty?: string;
}

/**
 * An action that reads a `{ value: T[] }` list from the API and prints it: the items as JSON, or a table.
 * `path` gets the command's positional arguments (e.g. the name whose versions are listed).
 */
export function listAction<T>(path: string | ((name: string) => string), view: ListView<T>) {
  return act(async (ctx, ...args: unknown[]) => {
    const { value } = await ctx.api().get<{ value: T[] }>(typeof path === 'string' ? path : path(args[0] as string));
    printResult(ctx.format, value, () => table(view.head, value.map(view.row), view.empty));
  });
}
