/**
 * The ACR Tasks build of a user-code image, against a stubbed transport: the registry check (token
 * exchange, manifest HEAD), the build context upload, the scheduleRun request (URL, api-version,
 * body), the run polling, caching by tag, and a failed build as a 400 naming the run.
 */
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import {
  ACR_TASKS_API_VERSION,
  AcrImageBuilder,
  type AcrTransport,
  type HttpAnswer,
  type HttpCall,
} from '../../../shared/compute/azure/acrImageBuild';
import type { UserImagePlan } from '../../../shared/compute/azure/userImageDockerfile';
import { RESOURCE_GROUP, SUBSCRIPTION } from './azureFixtures';

const REGISTRY = 'crsibyl.azurecr.io';
const ARM =
  `https://management.azure.com/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}` +
  `/providers/Microsoft.ContainerRegistry/registries/crsibyl`;
const UPLOAD = 'https://acrsource.blob.core.windows.net/source/2026/abc.tar.gz?sv=2024&sig=upload-sas';
const PLAN: Extract<UserImagePlan, { kind: 'build' }> = {
  kind: 'build',
  repository: 'sibyl-environments/python',
  tag: 'sha256-ab12-0123456789ab',
  dockerfile: 'FROM python:3.12-slim-bookworm\nRUN true\n',
  port: 8080,
};

/** Answers by `METHOD url-without-query`; records every call. */
class StubAzure implements AcrTransport {
  calls: HttpCall[] = [];
  tagPresent = false;
  runStatuses = ['Queued', 'Running', 'Succeeded'];
  runError: string | undefined;

  armToken() {
    return Promise.resolve('arm-token');
  }

  send(call: HttpCall): Promise<HttpAnswer> {
    this.calls.push(call);
    const url = new URL(call.url);
    const where = `${call.method} ${url.origin}${url.pathname}`;
    const ok = (body: unknown, status = 200) => Promise.resolve({ status, text: JSON.stringify(body) });
    switch (where) {
      case `POST https://${REGISTRY}/oauth2/exchange`:
        return ok({ refresh_token: 'acr-refresh' });
      case `POST https://${REGISTRY}/oauth2/token`:
        return ok({ access_token: 'acr-access' });
      case `HEAD https://${REGISTRY}/v2/${PLAN.repository}/manifests/${PLAN.tag}`:
        return Promise.resolve({ status: this.tagPresent ? 200 : 404, text: '' });
      case `POST ${ARM}/listBuildSourceUploadUrl`:
        return ok({ uploadUrl: UPLOAD, relativePath: 'source/2026/abc.tar.gz' });
      case `PUT ${UPLOAD.split('?')[0]}`:
        return Promise.resolve({ status: 201, text: '' });
      case `POST ${ARM}/scheduleRun`:
        return ok({ properties: { runId: 'cb1', status: 'Queued' } }, 202);
      case `GET ${ARM}/runs/cb1`: {
        const status = this.runStatuses.shift() ?? 'Succeeded';
        return ok({ properties: { runId: 'cb1', status, runErrorMessage: this.runError } });
      }
      default:
        return Promise.resolve({ status: 599, text: `unexpected ${where}` });
    }
  }
}

async function untar(gz: Buffer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c as Buffer));
      stream.on('end', () => {
        files[header.name] = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  tar.end(gunzipSync(gz));
  await done;
  return files;
}

const builder = (azure: StubAzure) =>
  new AcrImageBuilder(
    { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, registryServer: REGISTRY },
    azure,
    {
      sleep: () => Promise.resolve(),
      buildTimeoutSeconds: 1800,
    },
  );

describe('ACR image build', () => {
  it('builds a missing tag: uploads the Dockerfile, schedules a DockerBuildRequest, waits for the run', async () => {
    const azure = new StubAzure();
    const image = await builder(azure).ensure(PLAN);
    expect(image).toBe(`${REGISTRY}/${PLAN.repository}:${PLAN.tag}`);

    const [exchange, token, head, uploadUrl, put, schedule, ...polls] = azure.calls;
    expect(new URLSearchParams(exchange!.body as string).get('access_token')).toBe('arm-token');
    expect(new URLSearchParams(exchange!.body as string).get('service')).toBe(REGISTRY);
    expect(Object.fromEntries(new URLSearchParams(token!.body as string))).toEqual({
      grant_type: 'refresh_token',
      service: REGISTRY,
      scope: `repository:${PLAN.repository}:pull`,
      refresh_token: 'acr-refresh',
    });
    expect(head!.headers.authorization).toBe('Bearer acr-access');
    expect(head!.headers.accept).toContain('application/vnd.oci.image.index.v1+json');

    expect(uploadUrl!.url).toBe(`${ARM}/listBuildSourceUploadUrl?api-version=${ACR_TASKS_API_VERSION}`);
    expect(ACR_TASKS_API_VERSION).toBe('2019-06-01-preview');
    expect(uploadUrl!.headers.authorization).toBe('Bearer arm-token');
    expect(put!.url).toBe(UPLOAD);
    expect(put!.headers['x-ms-blob-type']).toBe('BlockBlob');
    expect(await untar(put!.body as Buffer)).toEqual({ Dockerfile: PLAN.dockerfile });

    expect(schedule!.method).toBe('POST');
    expect(schedule!.url).toBe(`${ARM}/scheduleRun?api-version=${ACR_TASKS_API_VERSION}`);
    expect(JSON.parse(schedule!.body as string)).toEqual({
      type: 'DockerBuildRequest',
      imageNames: [`${PLAN.repository}:${PLAN.tag}`],
      isPushEnabled: true,
      noCache: false,
      dockerFilePath: 'Dockerfile',
      sourceLocation: 'source/2026/abc.tar.gz',
      platform: { os: 'Linux', architecture: 'amd64' },
      timeout: 1800,
      isArchiveEnabled: false,
    });
    expect(polls.map((c) => `${c.method} ${c.url}`)).toEqual(
      Array.from({ length: 3 }, () => `GET ${ARM}/runs/cb1?api-version=${ACR_TASKS_API_VERSION}`),
    );
  });

  it('builds nothing when the tag is already in the registry (cached by environment hash)', async () => {
    const azure = new StubAzure();
    azure.tagPresent = true;
    expect(await builder(azure).ensure(PLAN)).toBe(`${REGISTRY}/${PLAN.repository}:${PLAN.tag}`);
    expect(azure.calls.map((c) => c.method)).toEqual(['POST', 'POST', 'HEAD']);
    expect(azure.calls.some((c) => c.url.includes('scheduleRun'))).toBe(false);
  });

  it('runs an image as it is without calling Azure', async () => {
    const azure = new StubAzure();
    expect(await builder(azure).ensure({ kind: 'image', image: 'docker.io/acme/server:1', port: 9000 })).toBe(
      'docker.io/acme/server:1',
    );
    expect(azure.calls).toEqual([]);
  });

  it('reports a failed build as a 400 naming the run and how to read its log', async () => {
    const azure = new StubAzure();
    azure.runStatuses = ['Running', 'Failed'];
    azure.runError = 'The build step failed';
    await expect(builder(azure).ensure(PLAN)).rejects.toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(
        /ACR run cb1, Failed: The build step failed.*az acr task logs --registry crsibyl --run-id cb1/,
      ),
    });
  });

  it("reports the registry's refusal as a 503 with its code, never a token", async () => {
    const azure = new StubAzure();
    const send = azure.send.bind(azure);
    azure.send = (call) =>
      call.url.includes('scheduleRun')
        ? Promise.resolve({
            status: 403,
            text: JSON.stringify({ error: { code: 'AuthorizationFailed', message: 'no scheduleRun/action' } }),
          })
        : send(call);
    const error = (await builder(azure)
      .ensure(PLAN)
      .catch((e: unknown) => e)) as { code: string; message: string };
    expect(error.code).toBe('ServiceUnavailable');
    expect(error.message).toMatch(/403 AuthorizationFailed/);
    expect(error.message).not.toMatch(/arm-token|acr-access/);
  });
});
