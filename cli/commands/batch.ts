/**
 * `sibyl batch run|show|cancel`: batch scoring jobs (`api/batch/jobs`). `run --wait` (and `show --wait`)
 * draw a progress bar until the job ends; the exit code then says how it ended (3 = Failed/Canceled).
 */
import { Option, type Command } from 'commander';
import { seg, type ApiClient } from '../core/apiClient';
import { UsageError } from '../core/cliErrors';
import { act, type CommandContext, commandGroup, leaf } from '../core/commandKit';
import { OUTPUT_FORMATS, printResult, record, shortTime, writeErr } from '../core/output';
import { collect, intArg, parseDatastorePath } from '../core/parseArgs';
import { failUnlessCompleted, watchUntilDone } from '../core/watchJob';
import { printStarted, withWait } from '../core/waitFlag';
import type { BatchJob } from '../../shared/api/schemas';

interface RunOptions {
  model?: string;
  deployment?: string;
  input: string;
  outputPath?: string;
  output?: string[];
  format?: string;
  fileName?: string;
  rows?: number;
  files?: number;
  maxConcurrency?: number;
  errorThreshold?: number;
  maxRetries?: number;
  timeoutSeconds?: number;
  outputAction?: string;
  experiment?: string;
  wait?: boolean;
}

const WAIT_HELP = 'wait for the job to end, with a progress bar';

function printJob(ctx: CommandContext, job: BatchJob): void {
  const p = job.progress;
  printResult(ctx.format, job, () =>
    record([
      ['job', job.id],
      ['status', job.status],
      ['mini-batches', `${p.succeeded + p.failed}/${p.totalMiniBatches} (${p.failed} failed)`],
      ['rows', `${p.rowsScored} scored, ${p.rowsFailed} failed`],
      ['output', `${job.output.datastore}:${job.output.path}`],
      ['experiment', job.experiment],
      ['started', shortTime(job.startedAt)],
      ['ended', shortTime(job.endedAt)],
      ['error', job.error ? `${job.error.code}: ${job.error.message}` : undefined],
    ]),
  );
}

/** Waits with a progress bar, prints the job, and fails with exit 3 unless it completed. */
async function waitForJob(ctx: CommandContext, api: ApiClient, id: string): Promise<void> {
  const { BatchProgressBar } = await import('../core/batchProgress');
  const bar = new BatchProgressBar();
  let job: BatchJob;
  try {
    job = await watchUntilDone(() => api.get<BatchJob>(`/api/batch/jobs/${seg(id)}`), {
      onUpdate: (j) => bar.update(j),
      onInterrupt: () => {
        bar.stop();
        return (
          `Stopped waiting; job ${id} keeps running. ` +
          `Follow it with 'sibyl batch show ${id} --wait' or cancel it with 'sibyl batch cancel ${id}'.`
        );
      },
    });
  } finally {
    bar.stop();
  }
  printJob(ctx, job);
  failUnlessCompleted(`batch job ${id}`, job);
}

/**
 * Where the predictions go: `--output-path DATASTORE:PATH`. `--output` sets the format, as on every command;
 * a DATASTORE:PATH given to `--output` is the older form of the destination, still read, with a note.
 */
function destinationOf(opts: RunOptions): string {
  const legacy = (opts.output ?? []).filter((v) => !(OUTPUT_FORMATS as readonly string[]).includes(v));
  if (legacy.length) {
    writeErr(
      'sibyl: note: --output DATASTORE:PATH is deprecated; use --output-path DATASTORE:PATH (--output sets the format).',
    );
  }
  const destinations = [...(opts.outputPath === undefined ? [] : [opts.outputPath]), ...legacy];
  if (destinations.length !== 1) {
    const example = '--output-path workspaceblobstore:iris/output/';
    throw new UsageError(`give where the predictions go once: --output-path DATASTORE:PATH (e.g. ${example}).`);
  }
  return destinations[0]!;
}

function jobSpec(opts: RunOptions): Record<string, unknown> {
  if (Boolean(opts.model) === Boolean(opts.deployment))
    throw new UsageError('give exactly one of --model NAME:VERSION or --deployment ENDPOINT/DEPLOYMENT.');
  const input = parseDatastorePath(opts.input);
  const output = parseDatastorePath(destinationOf(opts));
  const format =
    opts.format ?? (/\.jsonl$/i.test(input.path) ? 'jsonl' : /\.parquet$/i.test(input.path) ? 'parquet' : 'csv');
  const miniBatchSize =
    opts.rows !== undefined || opts.files !== undefined ? { rows: opts.rows, files: opts.files } : undefined;
  const retry =
    opts.maxRetries !== undefined || opts.timeoutSeconds !== undefined
      ? { maxRetries: opts.maxRetries, timeoutSeconds: opts.timeoutSeconds }
      : undefined;
  return {
    model: opts.model,
    deployment: opts.deployment,
    input: { ...input, format },
    output: { ...output, fileName: opts.fileName },
    miniBatchSize,
    maxConcurrency: opts.maxConcurrency,
    errorThreshold: opts.errorThreshold,
    retry,
    outputAction: opts.outputAction,
    experiment: opts.experiment,
  };
}

export function registerBatchCommands(program: Command): void {
  const batch = commandGroup(program, 'batch', 'Batch scoring jobs over datastore files', [
    'sibyl batch run --deployment iris/blue --input workspaceblobstore:iris/input/ --output-path workspaceblobstore:iris/output/ --wait',
    'sibyl batch show batch-7c1f',
    'sibyl batch cancel batch-7c1f',
  ]);

  withWait(
    leaf(
      batch
        .command('run')
        .description(
          'Start a batch scoring job; with --wait, show progress and exit by outcome (0 Completed, 3 Failed/Canceled)',
        ),
      [
        'sibyl batch run --deployment iris/blue --input workspaceblobstore:iris/input/ ' +
          '--output-path workspaceblobstore:iris/output/ --wait',
        'sibyl batch run --model iris:1 --input workspaceblobstore:day1.jsonl --output-path workspaceblobstore:out/ ' +
          '--rows 500 --output-action summary_only',
        'sibyl batch run --model iris@latest --input ws:in/ --output-path ws:out/ --wait --output json',
      ],
      { ownOutput: true },
    )
      .option('-m, --model <ref>', 'score with a model: NAME:VERSION')
      .option('--deployment <endpoint/deployment>', 'score with a deployment: ENDPOINT/DEPLOYMENT')
      .requiredOption('-i, --input <datastore:path>', 'input file or folder, DATASTORE:PATH')
      .option('--output-path <datastore:path>', 'where predictions go, DATASTORE:PATH (required)')
      .addOption(
        new Option(
          '-o, --output <format>',
          'output format: json|table (a DATASTORE:PATH here is the deprecated form of --output-path)',
        ).argParser(collect),
      )
      .addOption(
        new Option('--format <format>', 'input format (default: from the input extension, else csv)').choices([
          'csv',
          'jsonl',
          'parquet',
        ]),
      )
      .option('--file-name <name>', 'output file name (default predictions.csv)')
      .option('--rows <n>', 'rows per mini-batch', intArg(1, 10_000_000))
      .option('--files <n>', 'files per mini-batch (default 10)', intArg(1, 100_000))
      .option('--max-concurrency <n>', 'mini-batches scored at once', intArg(1, 256))
      .option('--error-threshold <n>', 'failed rows tolerated before the job fails (-1 = ignore all)', intArg(-1))
      .option('--max-retries <n>', 'retries of a failed mini-batch (default 3)', intArg(0, 100))
      .option('--timeout-seconds <n>', 'time to score one mini-batch (default 30)', intArg(1, 259_200))
      .addOption(
        new Option(
          '--output-action <action>',
          'append_row writes every prediction; summary_only writes counts',
        ).choices(['append_row', 'summary_only']),
      )
      .option('--experiment <name>', 'experiment the run is filed under'),
    WAIT_HELP,
    async (ctx, wait, opts: RunOptions) => {
      const spec = jobSpec(opts);
      const api = ctx.api();
      const { body } = await api.post<{ id: string; status: string; statusUri: string }>('/api/batch/jobs', spec);
      if (!wait) {
        const fields = { job: body.id, status: body.status, 'status URI': body.statusUri };
        return printStarted(ctx, body, fields, `sibyl batch show ${body.id} --wait`);
      }
      if (ctx.format === 'table') writeErr(`Job ${body.id} submitted; waiting (Ctrl-C stops waiting, not the job).`);
      await waitForJob(ctx, api, body.id);
    },
  );

  withWait(
    leaf(batch.command('show <id>').description('Show a batch job and its progress; --wait follows it to the end'), [
      'sibyl batch show batch-7c1f',
      'sibyl batch show batch-7c1f --wait',
    ]),
    WAIT_HELP,
    async (ctx, wait, id: string) => {
      const api = ctx.api();
      if (wait) return waitForJob(ctx, api, id);
      printJob(ctx, await api.get<BatchJob>(`/api/batch/jobs/${seg(id)}`));
    },
  );

  leaf(batch.command('cancel <id>').description('Cancel a batch job'), ['sibyl batch cancel batch-7c1f']).action(
    act(async (ctx, id: string) => {
      const { body } = await ctx.api().post<{ id: string; status: string }>(`/api/batch/jobs/${seg(id)}/cancel`);
      printResult(ctx.format, body, () => `Cancellation requested for job ${id} (status: ${body.status}).`);
    }),
  );
}
