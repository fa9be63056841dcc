/**
 * `sibyl pipelines apply|publish|run`: pipeline drafts from YAML or JSON, immutable published versions,
 * and runs of them (`api/pipelines…`). `run --wait` follows the run and exits by its outcome.
 */
import type { Command } from 'commander';
import { seg, type ApiClient } from '../core/apiClient';
import { ApiError, UsageError } from '../core/cliErrors';
import { act, leaf, listAction, withExamples } from '../core/commandKit';
import { pairs, printResult, record, shortTime } from '../core/output';
import { collect, parameterValue, parseKeyValues, wholeNumber } from '../core/parseArgs';
import { readSpecFile } from '../core/specFile';
import { failUnlessCompleted, watchRun } from '../core/watchJob';
import { printRun } from './runs';
import type { Pipeline, PipelineVersion, Run } from '../../shared/api/schemas';

const stepsText = (steps: { name: string; kind: string }[]) => steps.map((s) => `${s.name} (${s.kind})`).join(', ');

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
  const pipelines = withExamples(
    program.command('pipelines').description('Pipelines: batch-score, copy and move steps with parameters'),
    [
      'sibyl pipelines apply nightly.yaml',
      'sibyl pipelines publish nightly',
      'sibyl pipelines run nightly:1 --param inputPath=incoming/a.csv --wait',
    ],
  );

  leaf(pipelines.command('apply <file>').description('Save a pipeline draft from a YAML or JSON file'), [
    'sibyl pipelines apply nightly.yaml',
    'sibyl pipelines apply pipeline.json --name nightly',
  ])
    .option('-n, --name <name>', "pipeline name (default: the file's `name`, else the file name)")
    .action(
      act(async (ctx, file: string, opts: { name?: string }) => {
        const { name, spec } = await readSpecFile(file, opts.name);
        const { body, status } = await ctx.api().put<Pipeline>(`/api/pipelines/${seg(name)}`, spec);
        printResult(
          ctx.format,
          body,
          () =>
            `${status === 201 ? 'Created' : 'Updated'} the draft of '${name}'.\n${record([
              ['pipeline', body.name],
              ['status', body.status],
              ['steps', stepsText(body.steps)],
              ['parameters', pairs(body.parameters)],
              ['latest published', body.latestVersion],
            ])}\nPublish it with 'sibyl pipelines publish ${name}'.`,
        );
      }),
    );

  leaf(pipelines.command('list').description('List pipelines and their latest published version'), [
    'sibyl pipelines list',
  ]).action(
    listAction<Pipeline>('/api/pipelines', {
      head: ['pipeline', 'latest', 'steps', 'parameters', 'description'],
      row: (p) => [p.name, p.latestVersion, stepsText(p.steps), pairs(p.parameters), p.description],
      empty: '(no pipelines)',
    }),
  );

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

  leaf(pipelines.command('show <name>').description('Show a pipeline draft'), ['sibyl pipelines show nightly']).action(
    act(async (ctx, name: string) => {
      const p = await ctx.api().get<Pipeline>(`/api/pipelines/${seg(name)}`);
      printResult(ctx.format, p, () =>
        record([
          ['pipeline', p.name],
          ['description', p.description],
          ['status', p.status],
          ['steps', stepsText(p.steps)],
          ['parameters', pairs(p.parameters)],
          ['latest published', p.latestVersion],
        ]),
      );
    }),
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

  leaf(
    pipelines
      .command('run <pipeline>')
      .description('Run a published version (NAME:VERSION, or NAME for the latest); --wait follows it'),
    [
      'sibyl pipelines run nightly:1',
      'sibyl pipelines run nightly:2 --param inputPath=incoming/2024-06-01.csv --param threshold=0.5 --wait',
    ],
  )
    .option('-p, --param <key=value>', 'a parameter (repeatable); numbers and true/false are sent as such', collect, [])
    .option('--experiment <name>', 'experiment the run is filed under')
    .option('-w, --wait', 'wait for the run to end; exit 3 if it fails')
    .action(
      act(async (ctx, text: string, opts: { param: string[]; experiment?: string; wait?: boolean }) => {
        const raw = parseKeyValues(opts.param, '--param');
        const parameters = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, parameterValue(v)]));
        const api = ctx.api();
        const { name, version } = await pipelineVersion(api, text);
        const body = { parameters: opts.param.length ? parameters : undefined, experiment: opts.experiment };
        const { body: run } = await api.post<Run>(`/api/pipelines/${seg(name)}/versions/${version}/runs`, body);
        if (!opts.wait) {
          printResult(
            ctx.format,
            run,
            () =>
              `${record([
                ['run', run.id],
                ['pipeline', `${name}:${version}`],
                ['status', run.status],
              ])}\nFollow it with 'sibyl runs logs ${run.id} --follow'.`,
          );
          return;
        }
        const done = await watchRun<Run>(
          api,
          run.id,
          ctx.format,
          `Follow it with 'sibyl runs logs ${run.id} --follow'.`,
        );
        await printRun(ctx, api, done);
        failUnlessCompleted(`pipeline run ${run.id}`, done);
      }),
    );
}
