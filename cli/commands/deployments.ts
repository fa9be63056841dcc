/**
 * `sibyl deploy ENDPOINT/DEPLOYMENT --model …` and `sibyl deployments show|delete|logs`: deployments of a
 * model behind an endpoint (`api/endpoints/{name}/deployments/{deployment}`). `deploy` returns once
 * the deployment can serve (the API answers after the model is loaded and warmed).
 */
import type { Command } from 'commander';
import { seg } from '../core/apiClient';
import { act, commandGroup, leaf } from '../core/commandKit';
import { pairs, printResult, record, shortTime, type OutputFormat } from '../core/output';
import { UsageError } from '../core/cliErrors';
import { intArg, parseDeploymentRef, parseModelRef } from '../core/parseArgs';
import type { Deployment, DeploymentLogs } from '../../shared/api/schemas';

interface DeployOptions {
  model: string;
  environment?: string;
  code?: string;
  scoringScript?: string;
  maxBatchSize?: number;
  maxDelayMs?: number;
  requestTimeoutMs?: number;
  minInstances?: number;
  maxInstances?: number;
  maxConcurrentRequests?: number;
  scaleInDelaySeconds?: number;
  cpu?: number;
  memoryGi?: number;
}

function printDeployment(format: OutputFormat, d: Deployment): void {
  printResult(format, d, () =>
    record([
      ['deployment', `${d.endpoint}/${d.name}`],
      ['model', d.model],
      ['resolved', d.resolvedModel],
      ['environment', d.environment],
      ['code', d.code ? [d.code.code, d.code.scoringScript].filter(Boolean).join(' → ') : undefined],
      ['batching', pairs(d.batching)],
      ['instance', pairs(d.instance)],
      ['request timeout', d.requestTimeoutMs !== undefined ? `${d.requestTimeoutMs} ms` : undefined],
      ['state', d.provisioningState],
      ['error', d.error],
      ['replicas', replicaSummary(d.scale)],
      ['updated', shortTime(d.updatedAt)],
    ]),
  );
}

/** `2 ready of 3 desired: blue-1 Ready (4 in flight), …` for `container`/`gpu` deployments. */
function replicaSummary(scale: Deployment['scale']): string | undefined {
  if (!scale) return undefined;
  const each = scale.replicas.map(
    (r) => `${r.name} ${r.state} (${r.inFlight} in flight, since ${shortTime(r.startedAt) ?? r.startedAt})`,
  );
  return [`${scale.readyReplicas} ready of ${scale.desiredReplicas} desired`, ...each].join('; ');
}

/** The `Deployment` spec from the options, leaving out what was not given. */
function deploymentSpec(opts: DeployOptions): Record<string, unknown> {
  parseModelRef(opts.model);
  if (opts.scoringScript !== undefined && opts.code === undefined)
    throw new UsageError('--scoring-script names a file in a code asset: give the asset with --code NAME:VERSION.');
  const batching = { maxBatchSize: opts.maxBatchSize, maxQueueDelayMs: opts.maxDelayMs };
  const instance = {
    minInstances: opts.minInstances,
    maxInstances: opts.maxInstances,
    maxConcurrentRequestsPerInstance: opts.maxConcurrentRequests,
    scaleInDelaySeconds: opts.scaleInDelaySeconds,
    cpu: opts.cpu,
    memoryGi: opts.memoryGi,
  };
  const given = (o: Record<string, number | undefined>) =>
    Object.values(o).some((v) => v !== undefined) ? o : undefined;
  return {
    model: opts.model,
    environment: opts.environment,
    code: opts.code === undefined ? undefined : { code: opts.code, scoringScript: opts.scoringScript },
    batching: given(batching),
    instance: given(instance),
    requestTimeoutMs: opts.requestTimeoutMs,
  };
}

export function registerDeploymentCommands(program: Command): void {
  leaf(
    program
      .command('deploy <endpoint/deployment>')
      .description('Deploy a model version behind an endpoint (create or update); waits until it can serve'),
    [
      'sibyl deploy iris/blue --model iris:1',
      'sibyl deploy iris/green --model iris@latest --environment ort-cpu@1 --max-batch-size 32 --max-delay-ms 5',
      'sibyl traffic iris blue=90 green=10     # then shift traffic',
      'sibyl deploy iris/py --model weights:1 -e python-3.11@1 --code iris-score:1 --scoring-script score.py',
    ],
  )
    .requiredOption('-m, --model <ref>', 'model reference: NAME:VERSION or NAME@ALIAS')
    .option('-e, --environment <env>', 'environment NAME@VERSION (default ort-cpu@1)')
    .option('--code <name:version>', 'code asset with the user code (python, node and custom environments)')
    .option('--scoring-script <path>', "the scoring script's path in the code asset (python and node)")
    .option('--max-batch-size <n>', 'dynamic batching: most rows merged into one model run', intArg(1, 1024))
    .option('--max-delay-ms <ms>', 'dynamic batching: longest a request waits for others', intArg(0, 10000))
    .option('--request-timeout-ms <ms>', 'per-request scoring timeout', intArg(1, 180000))
    .option('--min-instances <n>', 'container/gpu: replicas kept running (0 = scale to zero)', intArg(0, 1000))
    .option('--max-instances <n>', 'container/gpu: most replicas', intArg(1, 1000))
    .option(
      '--max-concurrent-requests <n>',
      'requests one instance scores at once (container/gpu: the autoscaling target)',
      intArg(1, 1000),
    )
    .option(
      '--scale-in-delay-seconds <s>',
      'container/gpu: how long load stays low before a replica goes',
      intArg(0, 3600),
    )
    .option('--cpu <vcpu>', 'container: vCPUs per replica, 0.25 to 4 in steps of 0.25', Number)
    .option('--memory-gi <gib>', 'container: GiB per replica (2 × cpu)', Number)
    .action(
      act(async (ctx, target: string, opts: DeployOptions) => {
        const { endpoint, deployment } = parseDeploymentRef(target);
        const spec = deploymentSpec(opts);
        if (ctx.format === 'table')
          process.stderr.write(`Deploying ${opts.model} to ${endpoint}/${deployment} (waits until it can serve)…\n`);
        const { body } = await ctx
          .api()
          .put<Deployment>(`/api/endpoints/${seg(endpoint)}/deployments/${seg(deployment)}`, spec);
        printDeployment(ctx.format, body);
      }),
    );

  const deployments = commandGroup(
    program,
    'deployments',
    "Show or delete a deployment, or read its replicas' logs (create one with `sibyl deploy`)",
    ['sibyl deployments show iris/blue', 'sibyl deployments delete iris/green', 'sibyl deployments logs iris/blue'],
  );
  leaf(deployments.command('show <endpoint/deployment>').description('Show a deployment'), [
    'sibyl deployments show iris/blue',
  ]).action(
    act(async (ctx, target: string) => {
      const { endpoint, deployment } = parseDeploymentRef(target);
      printDeployment(
        ctx.format,
        await ctx.api().get<Deployment>(`/api/endpoints/${seg(endpoint)}/deployments/${seg(deployment)}`),
      );
    }),
  );
  leaf(
    deployments
      .command('delete <endpoint/deployment>')
      .description('Delete a deployment (take its traffic away first)'),
    ['sibyl traffic iris blue=100 && sibyl deployments delete iris/green'],
  ).action(
    act(async (ctx, target: string) => {
      const { endpoint, deployment } = parseDeploymentRef(target);
      await ctx.api().delete(`/api/endpoints/${seg(endpoint)}/deployments/${seg(deployment)}`);
      printResult(ctx.format, { deleted: target }, () => `Deleted deployment ${target}.`);
    }),
  );
  leaf(
    deployments
      .command('logs <endpoint/deployment> [deployment]')
      .description('The last console lines of each replica of a container/gpu deployment (secrets redacted)'),
    [
      'sibyl deployments logs iris/blue',
      'sibyl deployments logs iris blue --lines 500',
      'sibyl deployments logs iris/blue -o json',
    ],
  )
    .option('-n, --lines <n>', 'last lines of each replica (default 100)', intArg(1, 5000))
    .action(
      act(async (ctx, target: string, second: string | undefined, opts: { lines?: number }) => {
        // Both `iris/blue` (as the other deployment commands) and `iris blue` (as Azure ML's get-logs).
        const { endpoint, deployment } = second ? { endpoint: target, deployment: second } : parseDeploymentRef(target);
        const query = opts.lines !== undefined ? `?lines=${opts.lines}` : '';
        const logs = await ctx
          .api()
          .get<DeploymentLogs>(`/api/endpoints/${seg(endpoint)}/deployments/${seg(deployment)}/logs${query}`);
        printResult(ctx.format, logs, () =>
          logs.lines.length
            ? logs.lines.map((l) => `[${l.replica}]${l.stream === 'stderr' ? ' (stderr)' : ''} ${l.text}`).join('\n')
            : `No log lines from the replicas of ${endpoint}/${deployment} yet.`,
        );
      }),
    );
}
