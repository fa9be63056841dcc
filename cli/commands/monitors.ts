/**
 * `sibyl monitors create|list|show|run|delete`: model monitors (`api/monitors`). `create` takes a YAML
 * or JSON spec file, or builds the spec from options; `run --wait` follows the run and prints each
 * feature's drift, exiting 3 if the run fails.
 */
import type { Command } from 'commander';
import { seg } from '../core/apiClient';
import { UsageError } from '../core/cliErrors';
import { act, type CommandContext, commandGroup, leaf } from '../core/commandKit';
import { printResult, record, shortTime, table } from '../core/output';
import { collect, parseDatastorePath, parseDeploymentRef } from '../core/parseArgs';
import { readSpecFile } from '../core/specFile';
import { failUnlessCompleted, watchRun } from '../core/watchJob';
import { deleteCommand, listCommand, showCommand } from '../core/resourceCommands';
import { printStarted, withWait } from '../core/waitFlag';
import type { Monitor, MonitorResult, MonitorSpec, Run } from '../../shared/api/schemas';

const METRICS = ['psi', 'jensenShannon', 'wasserstein', 'ks'];

const signalText = (m: Monitor) =>
  Object.entries(m.signals)
    .map(([signal, s]) => `${signal} ${s.metric} > ${s.threshold}`)
    .join(', ');

const triggerText = (t: Monitor['trigger']) =>
  !t ? 'manual' : 'cron' in t ? `cron ${t.cron}` : `every ${t.interval} ${t.frequency}`;

function resultTable(result: MonitorResult | undefined): string {
  if (!result) return '(no completed run yet)';
  return table(
    ['signal', 'feature', 'metric', 'value', 'threshold', 'drifted'],
    result.features.map((f) => [
      f.signal,
      f.name,
      f.metric,
      f.value === null ? 'n/a' : f.value.toFixed(4),
      f.threshold,
      f.drifted ? 'DRIFTED' : '',
    ]),
    '(no features)',
  );
}

function printMonitor(ctx: CommandContext, m: Monitor): void {
  printResult(ctx.format, m, () =>
    [
      record([
        ['monitor', m.name],
        ['deployment', `${m.endpoint}/${m.deployment}`],
        ['baseline', `${m.baseline.datastore}:${m.baseline.path} (${m.baseline.format})`],
        ['signals', signalText(m)],
        ['window', m.window],
        ['trigger', triggerText(m.trigger)],
        ['next run', shortTime(m.nextRunTime)],
        [
          'last run',
          m.lastResult
            ? `${m.lastResult.runId} (${shortTime(m.lastResult.completedAt)}), drifted: ${m.lastResult.drifted.join(', ') || 'none'}`
            : '',
        ],
      ]),
      resultTable(m.lastResult),
    ].join('\n'),
  );
}

interface CreateOptions {
  name?: string;
  deployment?: string;
  baseline?: string;
  format?: string;
  feature: string[];
  metric?: string;
  threshold?: string;
  predictionMetric?: string;
  predictionThreshold?: string;
  window?: string;
  cron?: string;
}

function threshold(text: string | undefined, what: string): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < 0)
    throw new UsageError(`${what} must be a number of 0 or more, got '${text ?? ''}'.`);
  return value;
}

/** The spec the options describe (when no file is given). */
function specFromOptions(opts: CreateOptions): MonitorSpec {
  if (!opts.deployment || !opts.baseline)
    throw new UsageError('Give a spec file, or --deployment ENDPOINT/DEPLOYMENT and --baseline DATASTORE:PATH.');
  const { endpoint, deployment } = parseDeploymentRef(opts.deployment);
  const baseline = parseDatastorePath(opts.baseline);
  const format = opts.format ?? (baseline.path.endsWith('.jsonl') ? 'jsonl' : 'csv');
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got '${format}'.`);
  for (const metric of [opts.metric, opts.predictionMetric]) {
    if (metric !== undefined && !METRICS.includes(metric))
      throw new UsageError(`Unknown metric '${metric}'; use one of ${METRICS.join(', ')}.`);
  }
  const signals: MonitorSpec['signals'] = {
    dataDrift: {
      metric: (opts.metric ?? 'psi') as 'psi',
      threshold: opts.threshold === undefined ? 0.2 : threshold(opts.threshold, '--threshold'),
    },
    ...(opts.predictionMetric
      ? {
          predictionDrift: {
            metric: opts.predictionMetric as 'psi',
            threshold: threshold(opts.predictionThreshold, '--prediction-threshold'),
          },
        }
      : {}),
  };
  return {
    endpoint,
    deployment,
    baseline: { ...baseline, format },
    ...(opts.feature.length ? { features: opts.feature } : {}),
    signals,
    ...(opts.window ? { window: opts.window } : {}),
    ...(opts.cron ? { trigger: { cron: opts.cron } } : {}),
  };
}

export function registerMonitorCommands(program: Command): void {
  const monitors = commandGroup(
    program,
    'monitors',
    'Model monitors: compare what a deployment scores with a baseline, feature by feature',
    [
      'sibyl monitors create iris-drift --deployment iris/blue --baseline workspaceblobstore:training/iris.csv ' +
        '--metric psi --threshold 0.2',
      'sibyl monitors run iris-drift --wait',
      'sibyl monitors show iris-drift',
    ],
  );

  leaf(
    monitors
      .command('create [nameOrFile]')
      .description('Create or replace a monitor, from a YAML/JSON file or from options'),
    [
      'sibyl monitors create iris-drift.yaml',
      'sibyl monitors create iris-drift --deployment iris/blue --baseline workspaceblobstore:training/iris.csv --cron "0 0 * * * *"',
    ],
  )
    .option('-n, --name <name>', "monitor name (with a file: default the file's `name`, else the file name)")
    .option('-d, --deployment <endpoint/deployment>', 'the deployment watched (its collected data)')
    .option('-b, --baseline <datastore:path>', 'baseline file or folder, typically the training data')
    .option('--format <csv|jsonl>', 'baseline format (default from the file name, else csv)')
    .option('-f, --feature <name>', 'an input column to watch (repeatable; default every input column)', collect, [])
    .option('--metric <metric>', `data drift metric: ${METRICS.join(', ')} (default psi)`)
    .option('--threshold <value>', 'data drift threshold (default 0.2)')
    .option('--prediction-metric <metric>', 'also watch the outputs with this metric')
    .option('--prediction-threshold <value>', 'prediction drift threshold')
    .option('--window <duration>', 'ISO 8601 duration looked back (default PT24H)')
    .option('--cron <ncrontab>', 'run on this schedule (6-field NCRONTAB)')
    .action(
      act(async (ctx, nameOrFile: string | undefined, opts: CreateOptions) => {
        let name: string;
        let spec: unknown;
        if (nameOrFile && /\.(ya?ml|json)$/i.test(nameOrFile))
          ({ name, spec } = await readSpecFile(nameOrFile, opts.name));
        else {
          name = opts.name ?? nameOrFile ?? '';
          if (!name) throw new UsageError('Name the monitor: sibyl monitors create NAME --deployment … --baseline …');
          spec = specFromOptions(opts);
        }
        const { body } = await ctx.api().put<Monitor>(`/api/monitors/${seg(name)}`, spec);
        printMonitor(ctx, body);
      }),
    );

  listCommand<Monitor>(monitors, 'List monitors and what their last run found', ['sibyl monitors list'], {
    head: ['monitor', 'deployment', 'signals', 'trigger', 'last run', 'drifted'],
    row: (m) => [
      m.name,
      `${m.endpoint}/${m.deployment}`,
      signalText(m),
      triggerText(m.trigger),
      shortTime(m.lastResult?.completedAt),
      m.lastResult ? m.lastResult.drifted.join(', ') || 'none' : '',
    ],
    empty: '(no monitors)',
  });

  showCommand<Monitor>(monitors, 'Show a monitor and the features of its last run', 'iris-drift', printMonitor);

  withWait(
    leaf(monitors.command('run <name>').description('Run a monitor now over its window; --wait follows it'), [
      'sibyl monitors run iris-drift',
      'sibyl monitors run iris-drift --wait',
    ]),
    'wait for the run to end and print its features; exit 3 if it fails',
    async (ctx, wait, name: string) => {
      const api = ctx.api();
      const { body: run } = await api.post<Run>(`/api/monitors/${seg(name)}/runs`);
      if (!wait)
        return printStarted(ctx, run, { run: run.id, monitor: name, status: run.status }, `sibyl runs show ${run.id}`);
      const done = await watchRun<Run>(api, run.id, ctx.format, `See it with 'sibyl runs show ${run.id}'.`);
      const result = done.outputs.result as MonitorResult | undefined;
      printResult(
        ctx.format,
        done,
        () =>
          `${record([
            ['run', done.id],
            ['status', done.status],
            ['drifted', result ? result.drifted.join(', ') || 'none' : ''],
          ])}\n${resultTable(result)}`,
      );
      failUnlessCompleted(`monitor run ${run.id}`, done);
    },
  );

  deleteCommand(monitors, 'monitor', 'Delete a monitor (its runs stay)', 'iris-drift');
}
