/**
 * `sibyl runs list|show|logs` and `sibyl experiments list`: runs of batch jobs, pipelines and their
 * steps (`api/runs`, `api/experiments`). `logs --follow` prints new lines until the run ends and exits
 * by its outcome.
 */
import { Option, type Command } from 'commander';
import { seg, type ApiClient } from '../core/apiClient';
import { act, type CommandContext, commandGroup, leaf } from '../core/commandKit';
import { listCommand } from '../core/resourceCommands';
import { pairs, printResult, record, shortTime, table, writeOut } from '../core/output';
import { intArg } from '../core/parseArgs';
import { failUnlessCompleted, watchUntilDone } from '../core/watchJob';
import type { Run, RunLogEntry } from '../../shared/api/schemas';
import { RUN_STATUSES } from '../../shared/portable/runStatuses';

function took(run: Run): string {
  if (!run.startedAt) return '';
  const end = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  return `${((end - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`;
}

export const runsTable = (runs: Run[]) =>
  table(
    ['run', 'kind', 'status', 'experiment', 'pipeline', 'created', 'took'],
    runs.map((r) => [r.id, r.kind, r.status, r.experiment, r.pipeline, shortTime(r.createdAt), took(r)]),
    '(no runs)',
  );

/** Prints a run; in table mode its step runs too. */
export async function printRun(ctx: CommandContext, api: ApiClient, run: Run): Promise<void> {
  let steps = '';
  if (ctx.format === 'table' && run.children.length)
    steps = `\n${runsTable(await Promise.all(run.children.map((id) => api.get<Run>(`/api/runs/${seg(id)}`))))}`;
  printResult(
    ctx.format,
    run,
    () =>
      record([
        ['run', run.id],
        ['kind', run.kind],
        ['status', run.status],
        ['experiment', run.experiment],
        ['pipeline', run.pipeline],
        ['schedule', run.schedule],
        ['parent', run.parentRunId],
        ['parameters', pairs(run.parameters)],
        ['metrics', pairs(run.metrics)],
        ['outputs', Object.keys(run.outputs).length ? run.outputs : undefined],
        ['created', shortTime(run.createdAt)],
        ['started', shortTime(run.startedAt)],
        ['ended', shortTime(run.endedAt)],
        ['error', run.error ? `${run.error.code}: ${run.error.message}` : undefined],
      ]) + steps,
  );
}

function logLine(entry: RunLogEntry): string {
  return `${shortTime(entry.time)} ${(entry.level ?? 'info').padEnd(5)} ${entry.message}`;
}

export function registerRunCommands(program: Command): void {
  const runs = commandGroup(program, 'runs', 'Runs of batch jobs and pipelines, and their logs', [
    'sibyl runs list --status Failed',
    'sibyl runs show run-1',
    'sibyl runs logs run-1 --follow',
    'sibyl runs cancel run-1',
  ]);

  leaf(runs.command('list').description('List runs, newest first'), [
    'sibyl runs list',
    'sibyl runs list --experiment nightly --status Failed --top 10',
    'sibyl runs list --kind pipeline',
  ])
    .option('--experiment <name>', 'only runs of this experiment')
    .addOption(new Option('--status <status>', 'only runs in this state').choices(RUN_STATUSES))
    .addOption(
      new Option('--kind <kind>', 'only runs of this kind').choices([
        'batch',
        'pipeline',
        'batch-score',
        'copy',
        'move',
      ]),
    )
    .option('--top <n>', 'at most this many runs (default 100)', intArg(1, 1000))
    .action(
      act(async (ctx, opts: { experiment?: string; status?: string; kind?: string; top?: number }) => {
        const { value } = await ctx.api().get<{ value: Run[] }>('/api/runs', {
          experiment: opts.experiment,
          status: opts.status,
          kind: opts.kind,
          top: opts.top,
        });
        printResult(ctx.format, value, () => runsTable(value));
      }),
    );

  leaf(runs.command('show <id>').description('Show a run, its parameters, metrics, outputs and steps'), [
    'sibyl runs show run-1',
  ]).action(
    act(async (ctx, id: string) => {
      const api = ctx.api();
      await printRun(ctx, api, await api.get<Run>(`/api/runs/${seg(id)}`));
    }),
  );

  leaf(
    runs
      .command('cancel <id>')
      .description('Cancel a queued or running batch job or pipeline run (a pipeline run stops its step in flight)'),
    ['sibyl runs cancel run-1'],
  ).action(
    act(async (ctx, id: string) => {
      const { body } = await ctx.api().post<Run>(`/api/runs/${seg(id)}/cancel`);
      printResult(ctx.format, body, () => `Run ${id} is ${body.status}.`);
    }),
  );

  leaf(
    runs
      .command('logs <id>')
      .description('Print the log of a run; --follow prints new lines until it ends (exit 3 if it failed)'),
    [
      'sibyl runs logs run-1',
      'sibyl runs logs run-1 --follow',
      'sibyl runs logs run-1 --follow -o json     # one JSON object per line',
    ],
  )
    .option('-f, --follow', 'keep printing new lines until the run ends')
    .action(
      act(async (ctx, id: string, opts: { follow?: boolean }) => {
        const api = ctx.api();
        const logsOf = () => api.get<{ runId: string; value: RunLogEntry[] }>(`/api/runs/${seg(id)}/logs`);
        if (!opts.follow) {
          const logs = await logsOf();
          printResult(ctx.format, logs, () =>
            logs.value.length ? logs.value.map(logLine).join('\n') : '(no log lines yet)',
          );
          return;
        }
        let printed = 0;
        const flush = async () => {
          const { value } = await logsOf();
          for (const entry of value.slice(printed))
            writeOut(ctx.format === 'json' ? JSON.stringify(entry) : logLine(entry));
          printed = Math.max(printed, value.length);
        };
        const run = await watchUntilDone(() => api.get<Run>(`/api/runs/${seg(id)}`), {
          onUpdate: flush,
          onInterrupt: () => `Stopped following run ${id}; it keeps running.`,
        });
        await flush();
        failUnlessCompleted(`run ${id}`, run);
      }),
    );

  const experiments = commandGroup(program, 'experiments', 'Experiments: runs grouped by name', [
    'sibyl experiments list',
  ]);
  listCommand<{ name: string; runCount: number; lastRunAt?: string }>(
    experiments,
    'List experiments',
    ['sibyl experiments list'],
    {
      head: ['experiment', 'runs', 'last run'],
      row: (e) => [e.name, e.runCount, shortTime(e.lastRunAt)],
      empty: '(no experiments)',
    },
  );
}
