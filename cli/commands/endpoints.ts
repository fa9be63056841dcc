/**
 * `sibyl endpoints …`: real-time endpoints (create, list, show, delete), their keys and tokens
 * (routes `api/endpoints…`). Keys and tokens are printed only by `keys` and `token`, which exist for that.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { seg } from '../core/apiClient';
import { act, commandGroup, leaf } from '../core/commandKit';
import { deleteCommand, listCommand, showCommand } from '../core/resourceCommands';
import { pairs, printResult, record, shortTime, table, type OutputFormat } from '../core/output';
import type { Deployment, Endpoint } from '../../shared/api/schemas';

/** A deployment as listed in an endpoint. */
/** Secrets print as plain `name  value` lines: easy to copy, no frame to cut through. */
const plainLines = (fields: [string, string][]) =>
  fields.map(([name, value]) => `${name.padEnd(13)} ${value}`).join('\n');

export const deploymentsTable = (deployments: Deployment[]) =>
  table(
    ['deployment', 'model', 'resolved', 'environment', 'batching', 'state'],
    deployments.map((d) => [d.name, d.model, d.resolvedModel, d.environment, pairs(d.batching), d.provisioningState]),
    '(no deployments)',
  );

/** Prints an endpoint: a record and its deployments. */
export function printEndpoint(format: OutputFormat, e: Endpoint): void {
  printResult(format, e, () =>
    [
      record([
        ['endpoint', e.name],
        ['auth', e.authMode],
        ['description', e.description],
        ['traffic', pairs(e.traffic) || '(single deployment or none)'],
        ['mirror', e.mirrorTraffic && Object.keys(e.mirrorTraffic).length ? pairs(e.mirrorTraffic) : undefined],
        ['scoring URI', e.scoringUri],
        ['OIP URI', e.openInferenceUri],
        ['updated', shortTime(e.updatedAt)],
      ]),
      deploymentsTable(e.deployments),
    ].join('\n'),
  );
}

export function registerEndpointCommands(program: Command): void {
  const endpoints = commandGroup(program, 'endpoints', 'Real-time endpoints, their keys and tokens', [
    'sibyl endpoints create iris --auth key',
    'sibyl endpoints list',
    'sibyl endpoints keys iris',
    'sibyl endpoints token iris',
  ]);

  leaf(endpoints.command('create <name>').description('Create an endpoint (or update its auth mode and description)'), [
    'sibyl endpoints create iris --auth key',
    'sibyl endpoints create fraud --auth token --description "Fraud scoring"',
  ])
    .addOption(
      new Option('--auth <mode>', 'how callers authenticate: key, token (1-hour tokens) or aad (Microsoft Entra ID)')
        .choices(['key', 'token', 'aad'])
        .default('key'),
    )
    .option('-d, --description <text>', 'description')
    .action(
      act(async (ctx, name: string, opts: { auth: string; description?: string }) => {
        const { body, status } = await ctx
          .api()
          .put<Endpoint>(`/api/endpoints/${seg(name)}`, { authMode: opts.auth, description: opts.description });
        if (ctx.format === 'table')
          process.stderr.write(status === 201 ? `Created endpoint '${name}'.\n` : `Updated endpoint '${name}'.\n`);
        printEndpoint(ctx.format, body);
      }),
    );

  listCommand<Endpoint>(endpoints, 'List endpoints', ['sibyl endpoints list', 'sibyl endpoints list -o json'], {
    head: ['endpoint', 'auth', 'traffic', 'deployments', 'scoring URI'],
    row: (e) => [e.name, e.authMode, pairs(e.traffic), e.deployments.map((d) => d.name).join(', '), e.scoringUri],
    empty: '(no endpoints)',
  });

  showCommand<Endpoint>(endpoints, 'Show an endpoint, its traffic and deployments', 'iris', (ctx, e) =>
    printEndpoint(ctx.format, e),
  );
  deleteCommand(endpoints, 'endpoint', 'Delete an endpoint and its deployments', 'iris');

  leaf(endpoints.command('keys <name>').description("Print the endpoint's keys, or replace one with --regenerate"), [
    'sibyl endpoints keys iris',
    'sibyl endpoints keys iris --regenerate secondary',
    'KEY=$(sibyl endpoints keys iris -o json | jq -r .primaryKey)',
  ])
    .addOption(
      new Option('--regenerate <which>', 'replace this key; the old one stops working at once').choices([
        'primary',
        'secondary',
      ]),
    )
    .action(
      act(async (ctx, name: string, opts: { regenerate?: string }) => {
        const api = ctx.api();
        const keys = opts.regenerate
          ? (
              await api.post<{ primaryKey: string; secondaryKey: string }>(
                `/api/endpoints/${seg(name)}/keys/regenerate`,
                { keyType: opts.regenerate },
              )
            ).body
          : await api.get<{ primaryKey: string; secondaryKey: string }>(`/api/endpoints/${seg(name)}/keys`);
        printResult(ctx.format, keys, () =>
          plainLines([
            ['primaryKey', keys.primaryKey],
            ['secondaryKey', keys.secondaryKey],
          ]),
        );
      }),
    );

  leaf(endpoints.command('token <name>').description('Print a 1-hour data-plane token for an endpoint in token mode'), [
    'sibyl endpoints token fraud',
    'TOKEN=$(sibyl endpoints token fraud -o json | jq -r .accessToken)',
  ]).action(
    act(async (ctx, name: string) => {
      const { body } = await ctx
        .api()
        .post<{ accessToken: string; tokenType: string; expiryTimeUtc: number; refreshAfterTimeUtc: number }>(
          `/api/endpoints/${seg(name)}/token`,
        );
      const when = (s: number) => new Date(s * 1000).toISOString();
      printResult(ctx.format, body, () =>
        plainLines([
          ['accessToken', body.accessToken],
          ['tokenType', body.tokenType],
          ['expires', when(body.expiryTimeUtc)],
          ['refreshAfter', when(body.refreshAfterTimeUtc)],
        ]),
      );
    }),
  );
}
