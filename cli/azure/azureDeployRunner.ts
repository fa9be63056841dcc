/**
 * Runs `sibyl azure deploy`'s steps through the user's own Azure CLI (`az` on PATH, or SIBYL_AZ):
 * each command's result is checked, propagation failures are retried, waits are polled with a
 * deadline, and everything is safe to run again (ARM deployments are idempotent; secrets are generated
 * only while no `sibyl` deployment has succeeded). `renderPlan` prints the same steps without Azure.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ApiError, UsageError } from '../core/cliErrors';
import type { DeployOptions, DeployStep, Part, StepCommand, Value } from './deployStepTypes';
import { DEPLOYMENT_NAME, OPERATOR_COMMAND, outputCommand, SECRET_NAMES, SUBSCRIPTION_COMMAND } from './deployValues';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program; rejects with `{ code: 'ENOENT' }` when it is not installed. */
export type Exec = (program: string, args: string[], env: Record<string, string>) => Promise<CommandResult>;

export const defaultExec: Exec = (program, args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

const AZ_MISSING =
  "the Azure CLI ('az') was not found on PATH: install it (https://aka.ms/installazurecli), run `az login`, then run this again.";
const AZ_LOGGED_OUT =
  'the Azure CLI is not logged in: run `az login` (and `az account set --subscription <id>` to pick one), then run this again.';

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A value as the plan prints it: run-time values as the `$(az …)` that yields them. */
function planValue(value: Value, options: DeployOptions): string {
  if (typeof value === 'string') return value;
  if ('output' in value) return `$(${outputCommand(options.resourceGroup, value.output)})`;
  if ('operator' in value) return `$(${OPERATOR_COMMAND})`;
  if ('subscription' in value) return `$(${SUBSCRIPTION_COMMAND})`;
  return `$${value.secret}`;
}

function planPart(part: Part, options: DeployOptions): string {
  const values = Array.isArray(part) ? part : [part];
  const text = values.map((v) => planValue(v, options)).join('');
  const dynamic = values.some((v) => typeof v !== 'string');
  if (!dynamic) return shellQuote(text);
  return values.some((v) => typeof v === 'object' && 'secret' in v) ? text : `"${text}"`;
}

function planCommand(command: StepCommand, options: DeployOptions): string {
  const env = Object.entries(command.env ?? {}).map(([name, part]) => `${name}=${planPart(part, options)}`);
  const line = [...env, command.program, ...command.args.map((a) => planPart(a, options))].join(' ');
  const extras: string[] = [];
  if (command.expect) extras.push(`${command.poll ? 'waits until' : 'checks that'} ${command.expect.describe}`);
  if (command.retry) extras.push(`retried up to ${command.retry.attempts} times while roles propagate`);
  return extras.length ? `   ${line}\n     # ${extras.join('; ')}` : `   ${line}`;
}

/** The steps and their exact commands as data (`--plan -o json`). */
export function planSteps(
  steps: DeployStep[],
  options: DeployOptions,
): { step: number; title: string; note?: string; commands: string[] }[] {
  return steps.map((step, i) => ({
    step: i + 1,
    title: step.title,
    ...(step.note ? { note: step.note } : {}),
    commands: step.commands.map((c) => planCommand(c, options).split('\n')[0]!.trim()),
  }));
}

/** The steps and the exact commands, numbered, without calling Azure. */
export function renderPlan(steps: DeployStep[], options: DeployOptions): string {
  const header = `sibyl azure deploy: resource group ${options.resourceGroup} in ${options.location}, GPU ${options.gpu}. Nothing was run.`;
  const body = steps.map((step, i) => {
    const commands = step.commands.map((c) => planCommand(c, options));
    return [`${i + 1}. ${step.title}`, ...(step.note ? [`   # ${step.note}`] : []), ...commands].join('\n');
  });
  return `${header}\n\n${body.join('\n\n')}\n`;
}

export interface RunnerOptions {
  exec?: Exec;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** The Azure CLI to call (SIBYL_AZ, else `az`). */
  az?: string;
}

export class AzureDeployRunner {
  private readonly exec: Exec;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly az: string;
  private readonly outputs = new Map<string, string>();
  private secrets: Record<string, string> = {};
  private operator: string | undefined;
  private subscription = '';

  constructor(
    private readonly options: DeployOptions,
    runner: RunnerOptions = {},
  ) {
    this.exec = runner.exec ?? defaultExec;
    this.log = runner.log ?? (() => undefined);
    this.sleep = runner.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = runner.now ?? Date.now;
    this.az = runner.az ?? process.env.SIBYL_AZ ?? 'az';
  }

  private async call(program: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
    const executable = program === 'az' ? this.az : program;
    try {
      return await this.exec(executable, args, env);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') {
        throw new UsageError(program === 'az' ? AZ_MISSING : `'${program}' was not found on PATH.`);
      }
      throw error;
    }
  }

  /** `az account show`: the CLI is there and logged in. */
  async checkLogin(): Promise<void> {
    const account = await this.call('az', ['account', 'show', '--query', 'id', '-o', 'tsv']);
    if (account.code !== 0 || !account.stdout.trim()) throw new UsageError(AZ_LOGGED_OUT);
    this.subscription = account.stdout.trim();
  }

  /** Secrets only while no `sibyl` deployment has succeeded: later runs keep what Key Vault holds. */
  private async prepareSecrets(): Promise<void> {
    const previous = await this.call('az', [
      'deployment',
      'group',
      'show',
      '-g',
      this.options.resourceGroup,
      '-n',
      DEPLOYMENT_NAME,
      '--query',
      'properties.provisioningState',
      '-o',
      'tsv',
    ]);
    const deployedBefore = previous.code === 0 && previous.stdout.trim() === 'Succeeded';
    this.secrets = Object.fromEntries(
      SECRET_NAMES.map((name) => [name, deployedBefore ? '' : randomBytes(32).toString('hex')]),
    );
    this.log(
      deployedBefore
        ? '  secrets: kept (Key Vault already holds them)'
        : '  secrets: generated for the first deployment',
    );
  }

  private async value(value: Value): Promise<string> {
    if (typeof value === 'string') return value;
    if ('secret' in value) return this.secrets[value.secret] ?? '';
    if ('subscription' in value) return this.subscription;
    if ('operator' in value) {
      if (this.operator === undefined) {
        const me = await this.call('az', ['ad', 'signed-in-user', 'show', '--query', 'id', '-o', 'tsv']);
        // A service principal has no signed-in user: no operator data roles then.
        this.operator = me.code === 0 ? me.stdout.trim() : '';
      }
      return this.operator;
    }
    let found = this.outputs.get(value.output);
    if (found === undefined) {
      const [program, ...args] = outputCommand(this.options.resourceGroup, value.output).split(' ');
      const result = await this.call(program!, args);
      found = result.stdout.trim();
      if (result.code !== 0 || !found)
        throw new ApiError(
          0,
          'AzureCliFailed',
          `could not read the deployment output ${value.output}: ${result.stderr.trim() || 'empty'}`,
        );
      this.outputs.set(value.output, found);
    }
    return found;
  }

  private async part(part: Part): Promise<string> {
    const values = Array.isArray(part) ? part : [part];
    return (await Promise.all(values.map((v) => this.value(v)))).join('');
  }

  private async runCommand(command: StepCommand): Promise<void> {
    const args = await Promise.all(command.args.map((a) => this.part(a)));
    const env: Record<string, string> = {};
    for (const [name, part] of Object.entries(command.env ?? {})) env[name] = await this.part(part);
    const shown = `${command.program} ${args.slice(0, 4).join(' ')}…`;
    const deadline = this.now() + (command.poll?.timeoutMs ?? 0);
    for (let attempt = 1; ; attempt++) {
      const result = await this.call(command.program, args, env);
      const failure =
        result.code !== 0 ? result.stderr.trim() || result.stdout.trim() || `exit ${result.code}` : undefined;
      const unmet =
        !failure && command.expect && !command.expect.test(result.stdout)
          ? `expected ${command.expect.describe}`
          : undefined;
      if (!failure && !unmet) return;
      if (command.poll && this.now() < deadline) {
        this.log(`  waiting: ${failure ?? unmet}`);
        await this.sleep(command.poll.intervalMs);
        continue;
      }
      if (failure && command.retry && attempt < command.retry.attempts && command.retry.when.test(failure)) {
        this.log(
          `  ${shown} failed while roles propagate (attempt ${attempt}); retrying in ${command.retry.delayMs / 1000} s`,
        );
        await this.sleep(command.retry.delayMs);
        continue;
      }
      throw new ApiError(0, 'AzureCliFailed', `${shown}: ${failure ?? unmet}`);
    }
  }

  async run(steps: DeployStep[]): Promise<void> {
    await this.checkLogin();
    await this.prepareSecrets();
    for (const [i, step] of steps.entries()) {
      this.log(`${i + 1}/${steps.length} ${step.title}`);
      for (const command of step.commands) await this.runCommand(command);
      // Outputs may change with each infrastructure deployment.
      this.outputs.clear();
    }
  }
}
