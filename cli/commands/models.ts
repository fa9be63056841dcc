/**
 * `sibyl models …`: register ONNX files, list and show models and versions, set aliases, update and
 * delete versions (routes `api/models…`).
 */
import type { Command } from 'commander';
import { seg, type ApiClient } from '../core/apiClient';
import { ApiError } from '../core/cliErrors';
import { act, commandGroup, leaf } from '../core/commandKit';
import { listCommand } from '../core/resourceCommands';
import { printResult, record, shortTime, table, pairs, type OutputFormat } from '../core/output';
import { collect, parseKeyValues, parseModelRef, wholeNumber } from '../core/parseArgs';
import { registerModelPath } from '../core/modelUpload';
import type { Model, ModelVersion, TensorMetadata } from '../../shared/api/schemas';

const tensors = (list: TensorMetadata[]) =>
  list.map((t) => `${t.name} ${t.datatype} [${t.shape.join(',')}]`).join('\n');

function printVersion(format: OutputFormat, v: ModelVersion): void {
  printResult(format, v, () =>
    record([
      ['model', `${v.name}:${v.version}`],
      ['description', v.description],
      ['tags', pairs(v.tags)],
      ['size', `${v.sizeBytes} bytes`],
      ['type', v.type ?? 'onnx'],
      ['files', String(v.files?.length ?? 1)],
      ['sha256', v.sha256],
      ['created', shortTime(v.createdAt)],
      ['inputs', tensors(v.signature.inputs)],
      ['outputs', tensors(v.signature.outputs)],
    ]),
  );
}

const versionsTable = (versions: ModelVersion[]) =>
  table(
    ['version', 'description', 'tags', 'inputs', 'outputs', 'created'],
    versions.map((v) => [
      v.version,
      v.description,
      pairs(v.tags),
      tensors(v.signature.inputs),
      tensors(v.signature.outputs),
      shortTime(v.createdAt),
    ]),
  );

/** Resolves `N:V` / `N@alias` to a version number. */
async function versionOf(api: ApiClient, ref: ReturnType<typeof parseModelRef>): Promise<number> {
  if (ref.version !== undefined) return ref.version;
  const model = await api.get<Model>(`/api/models/${seg(ref.name)}`);
  const alias = ref.alias ?? 'latest';
  const version = model.aliases[alias] ?? (alias === 'latest' ? model.latestVersion : undefined);
  if (version === undefined) {
    throw new ApiError(
      404,
      'ModelNotFound',
      `Model '${ref.name}' has no alias '${alias}' (aliases: ${Object.keys(model.aliases).join(', ')}).`,
    );
  }
  return version;
}

export function registerModelCommands(program: Command): void {
  const models = commandGroup(program, 'models', 'Register, list and manage ONNX models', [
    'sibyl models register iris.onnx --name iris',
    'sibyl models list',
    'sibyl models show iris:1',
    'sibyl models alias set iris production 1',
  ]);

  leaf(
    models
      .command('register <path>')
      .description(
        'Register an .onnx file, a .zip or .tar.gz of a model folder, or a folder, as the next version of a model',
      ),
    [
      'sibyl models register iris.onnx --name iris',
      'sibyl models register ./mlflow-model --name churn',
      'sibyl models register llm.tar.gz --name llm --type onnx',
      'sibyl models register iris.onnx --name iris --description "June retrain" --tag team=fraud --tag stage=candidate',
    ],
  )
    .requiredOption('-n, --name <name>', 'model name (versions count 1, 2, 3… per name)')
    .option('-d, --description <text>', 'description of this version')
    .option('-t, --tag <key=value>', 'a tag (repeatable)', collect, [])
    .option('--type <type>', 'onnx, mlflow or custom (detected when left out)')
    .action(
      act(async (ctx, path: string, opts: { name: string; description?: string; tag: string[]; type?: string }) => {
        const tags = parseKeyValues(opts.tag, '--tag');
        const options = {
          description: opts.description,
          tags: opts.tag.length ? JSON.stringify(tags) : undefined,
          type: opts.type,
          progress: ctx.format !== 'json',
        };
        printVersion(ctx.format, await registerModelPath(ctx.api(), opts.name, path, options));
      }),
    );

  listCommand<Model>(models, 'List registered models', ['sibyl models list', 'sibyl models list -o json'], {
    head: ['name', 'latest', 'aliases', 'description', 'updated'],
    row: (m) => [m.name, m.latestVersion, pairs(m.aliases), m.description, shortTime(m.updatedAt)],
    empty: '(no models)',
  });

  leaf(models.command('versions <name>').description('List the versions of a model'), [
    'sibyl models versions iris',
  ]).action(
    act(async (ctx, name: string) => {
      const { value } = await ctx.api().get<{ value: ModelVersion[] }>(`/api/models/${seg(name)}/versions`);
      printResult(ctx.format, value, () => versionsTable(value));
    }),
  );

  leaf(models.command('show <model>').description('Show a model (NAME) or one version (NAME:VERSION or NAME@ALIAS)'), [
    'sibyl models show iris',
    'sibyl models show iris:2',
    'sibyl models show iris@production -o json',
  ]).action(
    act(async (ctx, text: string) => {
      const ref = parseModelRef(text);
      const api = ctx.api();
      if (ref.version === undefined && ref.alias === undefined) {
        const model = await api.get<Model>(`/api/models/${seg(ref.name)}`);
        const summary = record([
          ['model', model.name],
          ['latest', model.latestVersion],
          ['aliases', pairs(model.aliases)],
          ['description', model.description],
          ['updated', shortTime(model.updatedAt)],
        ]);
        if (ctx.format === 'json') return printResult(ctx.format, model, () => '');
        const { value } = await api.get<{ value: ModelVersion[] }>(`/api/models/${seg(ref.name)}/versions`);
        return printResult(ctx.format, model, () => `${summary}\n${versionsTable(value)}`);
      }
      const version = await versionOf(api, ref);
      printVersion(ctx.format, await api.get<ModelVersion>(`/api/models/${seg(ref.name)}/versions/${version}`));
    }),
  );

  const alias = commandGroup(models, 'alias', 'Manage model aliases (name@alias references)', [
    'sibyl models alias set iris production 2',
  ]);
  leaf(alias.command('set <name> <alias> <version>').description('Point an alias at a version'), [
    'sibyl models alias set iris production 2',
  ]).action(
    act(async (ctx, name: string, aliasName: string, version: string) => {
      const v = wholeNumber(version, 'VERSION', 1);
      const { body } = await ctx.api().put<Model>(`/api/models/${seg(name)}/aliases/${seg(aliasName)}`, { version: v });
      printResult(
        ctx.format,
        body,
        () => `${name}@${aliasName} → ${name}:${v}\n${record([['aliases', pairs(body.aliases)]])}`,
      );
    }),
  );

  leaf(models.command('update <model>').description('Change the description or tags of a version (NAME:VERSION)'), [
    'sibyl models update iris:2 --description "Retrained in June" --tag stage=production',
    'sibyl models update iris:2 --remove-tag candidate',
  ])
    .option('-d, --description <text>', 'the new description')
    .option('-t, --tag <key=value>', 'set a tag (repeatable)', collect, [])
    .option('--remove-tag <key>', 'remove a tag (repeatable)', collect, [])
    .action(
      act(async (ctx, text: string, opts: { description?: string; tag: string[]; removeTag: string[] }) => {
        const ref = parseModelRef(text, { requireVersion: true });
        const tags: Record<string, string | null> = { ...parseKeyValues(opts.tag, '--tag') };
        for (const key of opts.removeTag) tags[key] = null;
        const change = { description: opts.description, tags: Object.keys(tags).length ? tags : undefined };
        const { body } = await ctx
          .api()
          .request<ModelVersion>('PATCH', `/api/models/${seg(ref.name)}/versions/${ref.version}`, { json: change });
        printVersion(ctx.format, body);
      }),
    );

  leaf(
    models.command('delete <model>').description('Delete a version (NAME:VERSION); refused while a deployment uses it'),
    ['sibyl models delete iris:1'],
  ).action(
    act(async (ctx, text: string) => {
      const ref = parseModelRef(text, { requireVersion: true });
      await ctx.api().delete(`/api/models/${seg(ref.name)}/versions/${ref.version}`);
      printResult(ctx.format, { deleted: `${ref.name}:${ref.version}` }, () => `Deleted ${ref.name}:${ref.version}.`);
    }),
  );
}
