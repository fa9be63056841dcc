/**
 * The software an environment carries (environments issue): its `runtime` (`onnx`, `python`, `node`,
 * `custom`) and that runtime's fields, checked and completed with their defaults when a version is
 * registered, so that what is stored (and shown) is exactly what runs. Also the digest of those fields,
 * the key of cached builds (`UserRuntime.environmentHash`).
 */
import { createHash } from 'node:crypto';
import type { CustomServer, PythonPackages } from '../compute/userRuntime';
import { SibylError } from '../errors';

export type EnvironmentRuntime = 'onnx' | 'python' | 'node' | 'custom';

/** The software fields as stored with an environment version (defaults filled in). */
export interface RuntimeFields {
  runtime?: EnvironmentRuntime;
  pythonVersion?: string;
  conda?: string;
  pip?: string[];
  image?: string;
  command?: string[];
  port?: number;
  routes?: CustomServer['routes'];
  protocol?: CustomServer['protocol'];
  variables?: Record<string, string>;
  dockerfile?: string;
}

/** The same fields as a client sends them: `pip` may be one string, `routes` partial. */
export type RuntimeFieldsInput = Omit<RuntimeFields, 'pip' | 'routes'> & {
  pip?: string[] | string;
  routes?: Partial<CustomServer['routes']>;
};

const PYTHON_FIELDS = ['pythonVersion', 'conda', 'pip'] as const;
const CUSTOM_FIELDS = ['image', 'command', 'port', 'routes', 'protocol'] as const;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_VARIABLE_PREFIXES = ['SIBYL_', 'AZUREML_'];
export const DEFAULT_PYTHON_VERSION = '3.11';
const DEFAULT_PORT = 8080;
const DEFAULT_ROUTES: Record<CustomServer['protocol'], Partial<CustomServer['routes']>> = {
  azureml: { liveness: '/', readiness: '/', scoring: '/score' },
  oip: { liveness: '/v2/health/live', readiness: '/v2/health/ready' },
};

function refuse(target: string, message: string): never {
  throw new SibylError('InvalidInput', message, [{ target, message }]);
}

export function runtimeOf(environment: { runtime?: EnvironmentRuntime }): EnvironmentRuntime {
  return environment.runtime ?? 'onnx';
}

/** Whether the environment runs user code (never inside the Function App). */
export function runsUserCode(environment: { runtime?: EnvironmentRuntime }): boolean {
  return runtimeOf(environment) !== 'onnx';
}

/** Why user code never runs on `functions` compute: said the same way wherever it is refused. */
export const USER_CODE_ON_FUNCTIONS =
  "user code never runs inside the Function App, whose identity holds the workspace's secrets; " +
  "set compute.kind to 'container' (or 'gpu')";

/** Checks the software fields against the runtime and fills their defaults; throws 400 naming the field. */
export function checkRuntimeFields(input: RuntimeFieldsInput, computeKind: string | undefined): RuntimeFields {
  const runtime = runtimeOf(input);
  const present = (fields: readonly string[]) =>
    fields.filter((f) => (input as Record<string, unknown>)[f] !== undefined);
  if (runtime !== 'python') {
    const stray = present(PYTHON_FIELDS);
    if (stray.length)
      refuse(stray[0]!, `${stray.join(', ')} only apply to runtime 'python' (this one is '${runtime}').`);
  }
  if (runtime !== 'custom') {
    const stray = present(CUSTOM_FIELDS);
    if (stray.length)
      refuse(stray[0]!, `${stray.join(', ')} only apply to runtime 'custom' (this one is '${runtime}').`);
  }
  if (runtime !== 'onnx' && computeKind === 'functions')
    refuse('compute.kind', `Runtime '${runtime}' cannot use compute.kind 'functions': ${USER_CODE_ON_FUNCTIONS}.`);
  for (const name of Object.keys(input.variables ?? {})) {
    if (!VARIABLE_NAME.test(name))
      refuse(
        `variables.${name.slice(0, 60)}`,
        `Variable name '${name.slice(0, 60)}' is invalid: use letters, digits and '_', not starting with a digit.`,
      );
    const reserved = RESERVED_VARIABLE_PREFIXES.find((p) => name.toUpperCase().startsWith(p));
    if (reserved)
      refuse(
        `variables.${name.slice(0, 60)}`,
        `Variable name '${name.slice(0, 60)}' starts with '${reserved}', which Sibyl and Azure ML reserve.`,
      );
  }
  const common: RuntimeFields = {
    ...(input.runtime ? { runtime } : {}),
    ...(input.variables ? { variables: input.variables } : {}),
    ...(input.dockerfile ? { dockerfile: input.dockerfile } : {}),
  };
  if (runtime === 'python') return { ...common, ...pythonFields(input) };
  if (runtime === 'custom') return { ...common, ...customFields(input) };
  return common;
}

function pythonFields(input: RuntimeFieldsInput): RuntimeFields {
  const pip =
    typeof input.pip === 'string'
      ? input.pip
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line && !line.startsWith('#'))
      : input.pip;
  return {
    pythonVersion: input.pythonVersion ?? DEFAULT_PYTHON_VERSION,
    ...(input.conda ? { conda: input.conda } : {}),
    ...(pip?.length ? { pip } : {}),
  };
}

function customFields(input: RuntimeFieldsInput): RuntimeFields {
  if (!input.command && !input.image)
    refuse(
      'command',
      "Runtime 'custom' needs command (the argv that starts your server locally) or image (the server's image in Azure), or both.",
    );
  const protocol = input.protocol ?? 'azureml';
  const routes = { ...DEFAULT_ROUTES[protocol], ...input.routes };
  if (!routes.scoring)
    refuse(
      'routes.scoring',
      "protocol 'oip' needs routes.scoring: the route of your server that the Azure ML score route goes to " +
        "(e.g. '/v2/models/mymodel/infer').",
    );
  return {
    ...(input.image ? { image: input.image } : {}),
    ...(input.command ? { command: input.command } : {}),
    port: input.port ?? DEFAULT_PORT,
    routes: routes as CustomServer['routes'],
    protocol,
  };
}

/** The Python packages a `python` environment lists. */
export function pythonPackagesOf(fields: RuntimeFields): PythonPackages {
  return {
    pythonVersion: fields.pythonVersion ?? DEFAULT_PYTHON_VERSION,
    ...(fields.conda ? { conda: fields.conda } : {}),
    ...(fields.pip ? { pip: fields.pip } : {}),
  };
}

/** The server a `custom` environment runs (its stored fields are complete; see `customFields`). */
export function customServerOf(fields: RuntimeFields): CustomServer {
  return {
    ...(fields.image ? { image: fields.image } : {}),
    ...(fields.command ? { command: fields.command } : {}),
    port: fields.port ?? DEFAULT_PORT,
    routes: fields.routes ?? (DEFAULT_ROUTES.azureml as CustomServer['routes']),
    protocol: fields.protocol ?? 'azureml',
  };
}

/** SHA-256 (hex) of the software fields: equal for two versions that would build the same image. */
export function environmentHash(fields: RuntimeFields): string {
  const software = {
    runtime: runtimeOf(fields),
    pythonVersion: fields.pythonVersion ?? null,
    conda: fields.conda ?? null,
    pip: fields.pip ?? null,
    image: fields.image ?? null,
    command: fields.command ?? null,
    port: fields.port ?? null,
    routes: fields.routes ?? null,
    protocol: fields.protocol ?? null,
    variables: fields.variables ? Object.fromEntries(Object.entries(fields.variables).sort()) : null,
    dockerfile: fields.dockerfile ?? null,
  };
  return createHash('sha256').update(JSON.stringify(software)).digest('hex');
}
