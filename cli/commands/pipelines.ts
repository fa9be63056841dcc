/**
 * `sibyl pipelines apply|publish|run`: pipeline drafts from YAML or JSON, immutable published versions,
 * and runs of them (`api/pipelines…`). `run --wait` follows the run and exits by its outcome.
 */
import type { Command } from 'commander';
import { seg, type ApiClient } from '../core/apiClient';
import { ApiError, UsageError } from '../core/cliErrors';
import { act, commandGroup, leaf, listAction } from '../core/commandKit';
import { pairs, printResult, record, shortTime } from '../core/output';
import { collect, parameterValue, parseKeyValues, wholeNumber } from '../core/parseArgs';
import { applyCommand, listCommand, showCommand } from '../core/resourceCommands';
import { failUnlessCompleted, watchRun } from '../core/watchJob';
import { printStarted, withWait } from '../core/waitFlag';
import { printRun } from './runs';
import type { Pipeline, PipelineVersion, Run } from '../../shared/api/schemas';

const stepsText = (steps: { name: string; kind: string }[]) => steps.map((s) => `${s.name} (${s.kind})`).join(', ');

/** A pipeline draft's fields; `apply` leaves the description out, `show` has it. */
const pipelineRecord = (p: Pipeline, withDescription: boolean) =>
  record([
    ['pipeline', p.name],
    ...(withDescription ? ([['description', p.description]] as const) : []),
    ['status', p.status],
    ['steps', stepsText(p.steps)],
    ['parameters', pairs(p.parameters)],
    ['latest published', p.latestVersion],
  ]);

/** `NAME:V`, or `NAME` for its latest published version (read from `GET api/pipelines/{name}`). */
async function pipelineVersion(api: ApiClient, text: string): Promise<{ name: string; version: number }> {
  const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*)(?::([1-9][0-9]*))?$/.exec(text);
  if (!match) throw new UsageError(`'${text}' is not NAME or NAME:VERSION, e.g. nightly:2.`);
  const name = match[1]!;
  if (match[2]) return { name, version: Number(match[2]) };
  let pipeline: Pipeline;
  try {
    pipeline = await api.get<Pipeline>(`/api/pipelines/${seg(name)}`);
  } catch (error) {
    // A service without GET api/pipelines/{name} answers the generic route 404.
    if (error instanceof ApiError && error.code === 'NotFound')
      throw new UsageError(`cannot look up the latest version of '${name}' here; give it: ${name}:VERSION.`);
    throw error;
  }
  if (!pipeline.latestVersion)
    throw new UsageError(
      `pipeline '${name}' has no published version yet; run 'sibyl pipelines publish ${name}' first.`,
    );
  return { name, version: pipeline.latestVersion };
}

export function registerPipelineCommands(program: Command): void {
  const pipelines = commandGroup(program, 'pipelines', 'Pipelines: batch-score, copy and move steps with parameters', [
    'sibyl pipelines apply nightly.yaml',
    'sibyl pipelines publish nightly',
    'sibyl pipelines run nightly:1 --param inputPath=incoming/a.csv --wait',
  ]);

  applyCommand<Pipeline>(
    pipelines,
    'pipeline',
    'Save a pipeline draft from a YAML or JSON file',
    ['sibyl pipelines apply nightly.yaml', 'sibyl pipelines apply pipeline.json --name nightly'],
    (ctx, p, created) =>
      printResult(
        ctx.format,
        p,
        () =>
          `${created ? 'Created' : 'Updated'} the draft of '${p.name}'.\n${pipelineRecord(p, false)}\n` +
          `Publish it with 'sibyl pipelines publish ${p.name}'.`,
      ),
  );

  listCommand<Pipeline>(pipelines, 'List pipelines and their latest published version', ['sibyl pipelines list'], {
    head: ['pipeline', 'latest', 'steps', 'parameters', 'description'],
    row: (p) => [p.name, p.latestVersion, stepsText(p.steps), pairs(p.parameters), p.description],
    empty: '(no pipelines)',
  });

  leaf(pipelines.command('versions <name>').description('List the published versions of a pipeline'), [
    'sibyl pipelines versions nightly',
  ]).action(
    listAction<PipelineVersion>((name) => `/api/pipelines/${seg(name)}/versions`, {
      head: ['version', 'enabled', 'steps', 'parameters', 'published'],
      row: (v) => [
        `${v.name}:${v.version}`,
        v.enabled ? 'yes' : 'no',
        stepsText(v.steps),
        pairs(v.parameters),
        shortTime(v.publishedAt),
      ],
      empty: '(not published yet)',
    }),
  );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    leaf(
      pipelines
        .command(`${verb} <pipeline>`)
        .description(
          `${enabled ? 'Allow' : 'Refuse'} new runs of a published version (NAME:VERSION)${enabled ? '' : ', from schedules too'}`,
        ),
      [`sibyl pipelines ${verb} nightly:1`],
    ).action(
      act(async (ctx, text: string) => {
        const [name = '', version = ''] = text.split(':');
        const v = wholeNumber(version, 'the version in NAME:VERSION', 1);
        const { body } = await ctx
          .api()
          .request<PipelineVersion>('PATCH', `/api/pipelines/${seg(name)}/versions/${v}`, { json: { enabled } });
        printResult(
          ctx.format,
          body,
          () => `${body.name}:${body.version} is ${body.enabled ? 'enabled' : 'disabled'}.`,
        );
      }),
    );
  }

  showCommand<Pipeline>(pipelines, 'Show a pipeline draft', 'nightly', (ctx, p) =>
    printResult(ctx.format, p, () => pipelineRecord(p, true)),
  );

  leaf(pipelines.command('publish <name>').description('Publish the draft as the next immutable version'), [
    'sibyl pipelines publish nightly',
  ]).action(
    act(async (ctx, name: string) => {
      const { body } = await ctx
        .api()
        .post<{ name: string; version: number; runUri: string }>(`/api/pipelines/${seg(name)}/publish`);
      printResult(
        ctx.format,
        body,
        () =>
          `Published ${body.name}:${body.version}.\nRun it with 'sibyl pipelines run ${body.name}:${body.version}'.`,
      );
    }),
  );

  withWait(
    leaf(
      pipelines
        .command('run <pipeline>')
        .description('Run a published version (NAME:VERSION, or NAME for the latest); --wait follows it'),
      [
        'sibyl pipelines run nightly:1',
        'sibyl pipelines run nightly:2 --param inputPath=incoming/2024-06-01.csv --param threshold=0.5 --wait',
      ],
    )
      .option(
        '-p, --param <key=value>',
        'a parameter (repeatable); numbers and true/false are sent as such',
        collect,
        [],
      )
      .option('--experiment <name>', 'experiment the run is filed under'),
    'wait for the run to end; exit 3 if it fails',
    async (ctx, wait, text: string, opts: { param: string[]; experiment?: string }) => {
      const raw = parseKeyValues(opts.param, '--param');
      const parameters = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, parameterValue(v)]));
      const api = ctx.api();
      const { name, version } = await pipelineVersion(api, text);
      const body = { parameters: opts.param.length ? parameters : undefined, experiment: opts.experiment };
      const { body: run } = await api.post<Run>(`/api/pipelines/${seg(name)}/versions/${version}/runs`, body);
      const followWith = `sibyl runs logs ${run.id} --follow`;
      if (!wait)
        return printStarted(ctx, run, { run: run.id, pipeline: `${name}:${version}`, status: run.status }, followWith);
      const done = await watchRun<Run>(api, run.id, ctx.format, `Follow it with '${followWith}'.`);
      await printRun(ctx, api, done);
      failUnlessCompleted(`pipeline run ${run.id}`, done);
    },
  );
}
