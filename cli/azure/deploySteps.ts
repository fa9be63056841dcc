/**
 * What `sibyl azure deploy` does, as data: README "Deploy to Azure" step by step, each step a list of
 * commands with the check of its result, the retries that role propagation needs and, for waits, the
 * condition polled. `--plan` prints this; the runner (azureDeployRunner.ts) executes it.
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

const DEPLOYMENT = 'sibyl';
const FIRST_PHASE = 'sibyl-identities';
const PARAMETERS = 'infra/main.bicepparam';
export const SECRET_NAMES = [
  'SIBYL_TOKEN_SIGNING_KEY',
  'SIBYL_KEY_ENCRYPTION_KEY',
  'SIBYL_FUNCTION_KEY',
  'SIBYL_SCORER_KEY',
] as const;
/** What a role or identity that has not propagated yet looks like in an `az` error. */
export const PROPAGATION_ERRORS = new RegExp(
  [
    'AuthorizationFailed',
    'does not have authorization',
    'Forbidden',
    'PrincipalNotFound',
    'does not exist in the directory',
    'KeyVaultReference',
    'RoleAssignment.*not.*found',
    'InvalidPrincipalId',
    'ManagedIdentityNotFound',
  ].join('|'),
  'i',
);
const PROPAGATION_RETRY = { attempts: 6, delayMs: 30_000, when: PROPAGATION_ERRORS };
const GPU_PROFILE: Record<Exclude<GpuChoice, 'none'>, string> = {
  T4: 'Consumption-GPU-NC8as-T4',
  A100: 'Consumption-GPU-NC24-A100',
};

function lines(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim().toLowerCase().replace(/\s+/g, ''))
    .filter(Boolean);
}

/**
 * The deployment's settings as main.bicepparam reads them from the environment. Secrets go only to
 * the first phase, which stores them in Key Vault; later deployments leave them empty, which keeps them.
 */
function infraEnv(options: DeployOptions, extra: Record<string, Part> = {}, withSecrets = false): Record<string, Part> {
  return {
    SIBYL_GPUS: options.gpu === 'none' ? '' : options.gpu,
    SIBYL_OPERATOR_PRINCIPAL_ID: { operator: true },
    ...(withSecrets ? Object.fromEntries(SECRET_NAMES.map((name) => [name, { secret: name }])) : {}),
    ...extra,
  };
}

export function deploySteps(options: DeployOptions): DeployStep[] {
  const rg = options.resourceGroup;
  const location = options.location;
  const image: Value[] = [{ output: 'registryLoginServer' }, `/sibyl-scorer:${options.imageTag}`];
  const regionChecks: StepCommand[] = [
    {
      program: 'az',
      args: ['functionapp', 'list-flexconsumption-locations', '--query', '[].name', '-o', 'tsv'],
      expect: {
        describe: `Flex Consumption is offered in ${location}`,
        test: (out) => lines(out).includes(location.toLowerCase().replace(/\s+/g, '')),
      },
    },
  ];
  if (options.gpu !== 'none') {
    const profile = GPU_PROFILE[options.gpu];
    regionChecks.push({
      program: 'az',
      args: [
        'containerapp',
        'env',
        'workload-profile',
        'list-supported',
        '-l',
        location,
        '--query',
        '[].name',
        '-o',
        'tsv',
      ],
      expect: {
        describe: `serverless GPU ${profile} is offered in ${location} (or pass --gpu none)`,
        test: (out) => lines(out).includes(profile.toLowerCase()),
      },
    });
  }
  return [
    { title: 'Check the region offers Flex Consumption and the GPU asked for', commands: regionChecks },
    {
      title: 'Resource group',
      commands: [{ program: 'az', args: ['group', 'create', '-n', rg, '-l', location, '-o', 'none'] }],
    },
    {
      title: 'Secrets (first deployment only)',
      commands: [],
      note:
        `while no \`${DEPLOYMENT}\` deployment has succeeded: ` +
        SECRET_NAMES.map((n) => `export ${n}="$(openssl rand -hex 32)"`).join('; ') +
        ' (generated in-process, never printed); the next step stores them in Key Vault, and later runs pass them empty, which keeps them.',
    },
    {
      title: 'Identities, data and role assignments, before anything uses them',
      commands: [
        {
          program: 'az',
          args: [
            'deployment',
            'group',
            'create',
            '-g',
            rg,
            '-n',
            FIRST_PHASE,
            '--parameters',
            PARAMETERS,
            '-o',
            'none',
          ],
          env: infraEnv(options, { SIBYL_DEPLOY_APPS: 'false' }, true),
          retry: PROPAGATION_RETRY,
        },
      ],
    },
    {
      title: 'The Function App and its settings (retried while roles propagate)',
      commands: [
        {
          program: 'az',
          args: ['deployment', 'group', 'create', '-g', rg, '-n', DEPLOYMENT, '--parameters', PARAMETERS, '-o', 'none'],
          env: infraEnv(options),
          retry: PROPAGATION_RETRY,
        },
      ],
    },
    {
      title: 'Build the scorer image in the registry',
      commands: [
        {
          program: 'az',
          args: [
            'acr',
            'build',
            '-r',
            { output: 'registryName' },
            '-t',
            `sibyl-scorer:${options.imageTag}`,
            '-f',
            'scorer/Dockerfile',
            '.',
            '-o',
            'none',
          ],
          retry: PROPAGATION_RETRY,
        },
      ],
    },
    {
      title: 'Publish sibyl.zip',
      commands: [
        { program: 'npm', args: ['run', 'package'] },
        {
          program: 'az',
          args: [
            'functionapp',
            'deployment',
            'source',
            'config-zip',
            '-g',
            rg,
            '-n',
            { output: 'functionAppName' },
            '--src',
            'sibyl.zip',
            '-o',
            'none',
          ],
          retry: PROPAGATION_RETRY,
        },
      ],
    },
    {
      title: 'Wait for Key Vault references to resolve and the functions to be indexed',
      commands: [
        {
          program: 'az',
          args: [
            'rest',
            '--method',
            'get',
            '--url',
            [
              'https://management.azure.com/subscriptions/',
              { subscription: true },
              `/resourceGroups/${rg}/providers/Microsoft.Web/sites/`,
              { output: 'functionAppName' },
              '/config/configreferences/appsettings?api-version=2024-04-01',
            ],
            '--query',
            "value[?properties.status!='Resolved'].name",
            '-o',
            'tsv',
          ],
          expect: {
            describe: 'every Key Vault reference of the app settings is Resolved',
            test: (out) => out.trim() === '',
          },
          poll: { timeoutMs: 15 * 60_000, intervalMs: 20_000 },
        },
        {
          program: 'az',
          args: [
            'functionapp',
            'function',
            'list',
            '-g',
            rg,
            '-n',
            { output: 'functionAppName' },
            '--query',
            'length(@)',
            '-o',
            'tsv',
          ],
          expect: { describe: 'the host has indexed the functions', test: (out) => Number(out.trim()) > 0 },
          poll: { timeoutMs: 15 * 60_000, intervalMs: 20_000 },
        },
      ],
    },
    {
      title: 'Set the host key and the scorer image',
      commands: [
        {
          program: 'az',
          args: ['deployment', 'group', 'create', '-g', rg, '-n', DEPLOYMENT, '--parameters', PARAMETERS, '-o', 'none'],
          env: infraEnv(options, { SIBYL_SET_HOST_KEY: 'true', SIBYL_SCORER_IMAGE: image }),
          retry: PROPAGATION_RETRY,
        },
      ],
    },
    {
      title: 'Subscribe the scheduler to blob events (Event Grid)',
      commands: [{ program: 'bash', args: ['infra/scripts/subscribeBlobEvents.sh', rg], retry: PROPAGATION_RETRY }],
      note:
        "runs `az eventgrid system-topic event-subscription create` on the storage account's system topic: " +
        'endpoint type azurefunction (the resource id of the Event Grid trigger scheduleBlobTrigger, no key), ' +
        'Event Grid schema, Microsoft.Storage.BlobCreated in the container SIBYL_SCHEDULER_CONTAINER ' +
        '(default workspaceblobstore).',
    },
  ];
}

/** `az deployment group show` of one output, as the plan prints it. */
export function outputCommand(resourceGroup: string, name: string): string {
  return `az deployment group show -g ${resourceGroup} -n ${DEPLOYMENT} --query properties.outputs.${name}.value -o tsv`;
}

export const OPERATOR_COMMAND = 'az ad signed-in-user show --query id -o tsv';
export const SUBSCRIPTION_COMMAND = 'az account show --query id -o tsv';
export const DEPLOYMENT_NAME = DEPLOYMENT;
