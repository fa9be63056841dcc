/**
 * Builds a user-code environment's image in the workspace's container registry with ACR Tasks,
 * through Azure Resource Manager (no Docker anywhere): the Dockerfile goes up as a one-file build
 * context (`listBuildSourceUploadUrl`, then a PUT to the blob it names), `scheduleRun` starts a
 * `DockerBuildRequest` that pushes `<repository>:<tag>`, and the run is polled until it ends. The tag
 * carries the environment version's hash, so an image already in the registry is not built again:
 * that is checked on the registry's own API (`HEAD /v2/<repository>/manifests/<tag>`) with a
 * registry token exchanged for the app's Entra token.
 */
import type { TokenCredential } from '@azure/identity';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { SibylError } from '../../errors';
import type { UserImagePlan } from './userImageDockerfile';

/** Microsoft.ContainerRegistry's API version that has scheduleRun, runs and listBuildSourceUploadUrl. */
export const ACR_TASKS_API_VERSION = '2019-06-01-preview';
export const ARM_ENDPOINT = 'https://management.azure.com';
const RUN_POLL_MS = 10_000;
const DEFAULT_BUILD_TIMEOUT_S = 3600;
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface HttpCall {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** How the builder reaches Azure, so tests can stand in for it. */
export interface AcrTransport {
  send(call: HttpCall): Promise<HttpAnswer>;
  /** An Entra token for Azure Resource Manager (the app's managed identity). */
  armToken(): Promise<string>;
}

export interface AcrBuildTarget {
  subscriptionId: string;
  resourceGroup: string;
  /** `<name>.azurecr.io`. */
  registryServer: string;
}

export interface AcrImageBuilderOptions {
  sleep?: (ms: number) => Promise<void>;
  buildTimeoutSeconds?: number;
}

const HTTP_TIMEOUT_MS = 120_000;

/** The real transport: fetch, with the app's managed identity for ARM. */
export function azureAcrTransport(credential: TokenCredential): AcrTransport {
  return {
    send: async (call) => {
      const res = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        redirect: 'error',
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      return { status: res.status, text: call.method === 'HEAD' ? '' : await res.text() };
    },
    armToken: async () => {
      const token = await credential.getToken(`${ARM_ENDPOINT}/.default`);
      if (!token) throw unavailable('No Entra token for Azure Resource Manager.');
      return token.token;
    },
  };
}

const TERMINAL_FAILURES = new Set(['Failed', 'Canceled', 'Error', 'Timeout']);

function unavailable(message: string): SibylError {
  return new SibylError('ServiceUnavailable', message, undefined, { 'Retry-After': '30' });
}

/** A gzipped tar holding only `Dockerfile`: everything the generated Dockerfile needs is inline. */
export async function dockerfileContext(dockerfile: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name: 'Dockerfile', mode: 0o644, mtime: new Date(0) }, dockerfile);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

export class AcrImageBuilder {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly buildTimeoutSeconds: number;

  constructor(
    private readonly target: AcrBuildTarget,
    private readonly transport: AcrTransport,
    options: AcrImageBuilderOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.buildTimeoutSeconds = options.buildTimeoutSeconds ?? DEFAULT_BUILD_TIMEOUT_S;
  }

  private get registryName(): string {
    return this.target.registryServer.split('.')[0]!;
  }

  /** `…/registries/<name>/<operation>?api-version=…` on ARM. */
  armUrl(operation: string): string {
    const { subscriptionId, resourceGroup } = this.target;
    return (
      `${ARM_ENDPOINT}/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` +
      `/providers/Microsoft.ContainerRegistry/registries/${this.registryName}/${operation}` +
      `?api-version=${ACR_TASKS_API_VERSION}`
    );
  }

  /** The image to run: as planned, or built (once per tag) in the registry. */
  async ensure(plan: UserImagePlan): Promise<string> {
    if (plan.kind === 'image') return plan.image;
    const image = `${this.target.registryServer}/${plan.repository}:${plan.tag}`;
    const token = await this.transport.armToken();
    if (await this.tagExists(token, plan.repository, plan.tag)) return image;
    const source = await this.upload(token, await dockerfileContext(plan.dockerfile));
    const runId = await this.schedule(token, `${plan.repository}:${plan.tag}`, source);
    await this.waitFor(token, runId, image);
    return image;
  }

  private async arm(token: string, method: 'GET' | 'POST', operation: string, body?: unknown): Promise<unknown> {
    const answer = await this.transport.send({
      method,
      url: this.armUrl(operation),
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (answer.status < 200 || answer.status > 299) {
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(answer.text) as { error?: { code?: string; message?: string } }).error;
      } catch {
        error = undefined;
      }
      throw unavailable(
        `The registry ${this.registryName} refused ${operation.split('/')[0]} (${answer.status}` +
          `${error?.code ? ` ${error.code}` : ''}): ${error?.message ?? 'no message'}`,
      );
    }
    return answer.text ? (JSON.parse(answer.text) as unknown) : undefined;
  }

  /** Whether `repository:tag` is in the registry (a registry token exchanged for the Entra one). */
  async tagExists(armToken: string, repository: string, tag: string): Promise<boolean> {
    const server = `https://${this.target.registryServer}`;
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = async (path: string, fields: Record<string, string>) => {
      const answer = await this.transport.send({
        method: 'POST',
        url: `${server}${path}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(fields),
      });
      if (answer.status !== 200)
        throw unavailable(`The registry ${this.registryName} answered ${answer.status} on ${path}.`);
      return JSON.parse(answer.text) as Record<string, string>;
    };
    const { refresh_token: refreshToken } = await post('/oauth2/exchange', {
      grant_type: 'access_token',
      service: this.target.registryServer,
      access_token: armToken,
    });
    const { access_token: accessToken } = await post('/oauth2/token', {
      grant_type: 'refresh_token',
      service: this.target.registryServer,
      scope: `repository:${repository}:pull`,
      refresh_token: refreshToken!,
    });
    const answer = await this.transport.send({
      method: 'HEAD',
      url: `${server}/v2/${repository}/manifests/${tag}`,
      headers: { authorization: `Bearer ${accessToken!}`, accept: MANIFEST_TYPES },
    });
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw unavailable(`The registry ${this.registryName} answered ${answer.status} for ${repository}:${tag}.`);
  }

  private async upload(token: string, context: Buffer): Promise<string> {
    const { uploadUrl, relativePath } = (await this.arm(token, 'POST', 'listBuildSourceUploadUrl')) as {
      uploadUrl?: string;
      relativePath?: string;
    };
    if (!uploadUrl || !relativePath) throw unavailable(`The registry ${this.registryName} gave no upload URL.`);
    const answer = await this.transport.send({
      method: 'PUT',
      url: uploadUrl,
      headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/gzip' },
      body: context,
    });
    if (answer.status !== 201) throw unavailable(`Uploading the build context answered ${answer.status}.`);
    return relativePath;
  }

  private async schedule(token: string, imageName: string, sourceLocation: string): Promise<string> {
    const run = (await this.arm(token, 'POST', 'scheduleRun', {
      type: 'DockerBuildRequest',
      imageNames: [imageName],
      isPushEnabled: true,
      noCache: false,
      dockerFilePath: 'Dockerfile',
      sourceLocation,
      platform: { os: 'Linux', architecture: 'amd64' },
      timeout: this.buildTimeoutSeconds,
      isArchiveEnabled: false,
    })) as { properties?: { runId?: string } } | undefined;
    const runId = run?.properties?.runId;
    if (!runId) throw unavailable(`The registry ${this.registryName} scheduled no run for ${imageName}.`);
    return runId;
  }

  private async waitFor(token: string, runId: string, image: string): Promise<void> {
    const deadline = Date.now() + (this.buildTimeoutSeconds + 300) * 1000;
    for (;;) {
      const run = (await this.arm(token, 'GET', `runs/${encodeURIComponent(runId)}`)) as {
        properties?: { status?: string; runErrorMessage?: string };
      };
      const status = run.properties?.status;
      if (status === 'Succeeded') return;
      if (status && TERMINAL_FAILURES.has(status)) {
        // The user's packages or Dockerfile: the deployment cannot run (400), with where to read why.
        throw new SibylError(
          'InvalidInput',
          `Building ${image} failed (ACR run ${runId}, ` +
            `${status}${run.properties?.runErrorMessage ? `: ${run.properties.runErrorMessage}` : ''}); ` +
            `read its log with \`az acr task logs --registry ${this.registryName} --run-id ${runId}\`.`,
        );
      }
      if (Date.now() > deadline) throw unavailable(`Building ${image} (ACR run ${runId}) did not end in time.`);
      await this.sleep(RUN_POLL_MS);
    }
  }
}
