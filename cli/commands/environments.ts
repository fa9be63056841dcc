/** `sibyl environments list`: curated and custom environments a deployment can run in (`api/environments`). */
import type { Command } from 'commander';
import { act, commandGroup, leaf } from '../core/commandKit';
import { printResult, table } from '../core/output';
import type { Environment } from '../../shared/api/schemas';

export function registerEnvironmentCommands(program: Command): void {
  const environments = commandGroup(
    program,
    'environments',
    'Environments deployments run in (runtime, execution providers, compute)',
    ['sibyl environments list'],
  );
  leaf(environments.command('list').description('List environments; refer to one as NAME@VERSION'), [
    'sibyl environments list',
  ]).action(
    act(async (ctx) => {
      const { value } = await ctx.api().get<{ value: Environment[] }>('/api/environments');
      printResult(ctx.format, value, () =>
        table(
          ['environment', 'curated', 'runtime', 'providers', 'compute'],
          value.map((e) => [
            `${e.name}@${e.version}`,
            e.curated ? 'yes' : '',
            e.runtime ?? 'onnx',
            e.executionProviders.join(', '),
            e.compute ? `${e.compute.kind}${e.compute.gpu ? ` (${e.compute.gpu})` : ''}` : 'functions',
          ]),
        ),
      );
    }),
  );
}
