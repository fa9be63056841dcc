/**
 * What a replica running user code (environments issue: `python`, `node`, `custom` runtimes) needs to
 * know beyond the model, carried in the replica's settings (`ScorerAppSpec.settings`, i.e. environment
 * variables) so that the local compute and Container Apps pass it the same way. The Function App writes
 * these (`scorerAppSpecOf`); the scorer reads them (`userRuntimeOf`). Nothing here is a secret.
 *
 * Code assets live in Blob storage like model folders: `code/{name}/{version}/{path}` for each file
 * and `code/{name}/{version}.manifest.json` (a `CodeManifest`), so the scorer needs no registry.
 */
import type { StoredFile } from '../assets/hashedFile';

export const CODE_CONTAINER = 'code';

export function codeFolderPrefix(name: string, version: number): string {
  return `${name}/${version}/`;
}

export function codeManifestPath(name: string, version: number): string {
  return `${name}/${version}.manifest.json`;
}

/** The manifest of one code asset version: every file with its size and SHA-256. */
export interface CodeManifest {
  name: string;
  version: number;
  files: StoredFile[];
}

/** Bring-your-own server (Azure ML's `inference_config` for custom containers). */
export interface CustomServer {
  /** Azure: the image to run. */
  image?: string;
  /** Locally: the argv started in the code asset's folder (or an empty folder), with `PORT` set. */
  command?: string[];
  /** The port the server listens on in its container (locally `PORT` overrides it per replica). */
  port: number;
  routes: { liveness: string; readiness: string; scoring: string };
  protocol: 'azureml' | 'oip';
}

/** Python packages of a `python` environment. */
export interface PythonPackages {
  pythonVersion: string;
  /** The YAML text of a Conda file. */
  conda?: string;
  /** Requirement lines for pip. */
  pip?: string[];
}

/** Everything a user-code replica runs, as settings. */
export interface UserRuntime {
  runtime: 'python' | 'node' | 'custom';
  /** The code asset, when the deployment has one. */
  code?: { name: string; version: number };
  /** Path of the scoring script inside the code asset (`python`, `node`). */
  scoringScript?: string;
  python?: PythonPackages;
  custom?: CustomServer;
  /** Digest of the environment version's software (packages, Dockerfile): the key of cached builds. */
  environmentHash: string;
  /** The environment's `variables`, set in the user process's environment. */
  variables: Record<string, string>;
}

const SETTING = 'SIBYL_SCORER_USER_RUNTIME';

/** The settings that carry `runtime` (one JSON value, so nothing is lost between transports). */
export function userRuntimeSettings(runtime: UserRuntime): Record<string, string> {
  return { [SETTING]: JSON.stringify(runtime) };
}

/** The user runtime a replica's settings name, or undefined for an ONNX replica. */
export function userRuntimeOf(env: Record<string, string | undefined>): UserRuntime | undefined {
  const raw = env[SETTING];
  return raw ? (JSON.parse(raw) as UserRuntime) : undefined;
}
