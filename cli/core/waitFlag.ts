/**
 * Commands that start or show a batch job or run and, with `-w, --wait`, follow it to its end (exit 3 unless it
 * completed). Without `--wait`, a command that started one prints what started and how to follow it.
 *
 * @example
 *   withWait(leaf(monitors.command('run <name>'), examples), 'wait for the run to end', async (ctx, wait, name: string) => …);
 */
import type { Command } from 'commander';
import { act, type CommandContext } from './commandKit';
import { printResult, record, type Cell } from './output';

/** Adds `-w, --wait` (`help` says what waiting does) and the action, which gets whether it was given. */
export function withWait<A extends unknown[]>(
  command: Command,
  help: string,
  run: (ctx: CommandContext, wait: boolean, ...args: A) => Promise<void>,
): Command {
  return command.option('-w, --wait', help).action(
    act(async (ctx, ...args: A) => {
      // Commander passes the options after the positionals.
      const { wait } = args[args.length - 1] as { wait?: boolean };
      await run(ctx, wait === true, ...args);
    }),
  );
}

/**
 * What a command that does not wait prints: the API's answer as JSON, or `fields` (in their order) and the
 * command that follows it.
 */
export function printStarted(
  ctx: CommandContext,
  started: unknown,
  fields: Readonly<Record<string, Cell>>,
  followWith: string,
): void {
  printResult(ctx.format, started, () => `${record(Object.entries(fields))}\nFollow it with '${followWith}'.`);
}
