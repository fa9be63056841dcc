/**
 * The vocabulary of `sibyl azure deploy`'s plan: the options it is made for, the steps and their
 * commands, and the values in them that are known only at run time (deployValues.ts says how each is
 * read). The steps are data so that `--plan` prints exactly what the runner executes.
 */

export type GpuChoice = 'none' | 'T4' | 'A100';

export interface DeployOptions {
  resourceGroup: string;
  location: string;
  gpu: GpuChoice;
  /** Tag of the scorer image built in the registry. */
  imageTag: string;
}

/** An argument or environment value known only at run time. */
export type Value =
  | string
  /** An output of the `sibyl` ARM deployment (`az deployment group show … --query properties.outputs.X.value`). */
  | { output: string }
  /** The signed-in user's object id, for the operator's data roles (empty for a service principal). */
  | { operator: true }
  /** The current subscription id. */
  | { subscription: true }
  /** A secret generated on the first deployment (never printed). */
  | { secret: string };

/** One argument or setting: a value, or values joined into one string. */
export type Part = Value | Value[];

export interface StepCommand {
  program: 'az' | 'npm' | 'bash';
  args: Part[];
  env?: Record<string, Part>;
  /** What the output must satisfy, said in words for the failure message. */
  expect?: { describe: string; test: (stdout: string) => boolean };
  /** Repeat until `expect` holds (a wait), instead of failing at once. */
  poll?: { timeoutMs: number; intervalMs: number };
  /** Failures worth retrying: role assignments and Key Vault references take minutes to propagate. */
  retry?: { attempts: number; delayMs: number; when: RegExp };
}

export interface DeployStep {
  title: string;
  commands: StepCommand[];
  /** Printed with the plan: why the step exists, or what happens beyond the commands. */
  note?: string;
}
