/**
 * The compute client's local transport: the local host's compute provider, through its admin API
 * (`admin/compute/apps/{endpoint}/{deployment}`, master key). The app never imports `emulator/`.
 */
import { SibylError } from '../errors';
import type { ComputeClient, ReplicaLogLine, ScorerAppSpec, ScorerAppStatus } from './computeTypes';

export class LocalComputeClient implements ComputeClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  #url(endpoint: string, deployment: string): string {
    return `${this.baseUrl}/admin/compute/apps/${encodeURIComponent(endpoint)}/${encodeURIComponent(deployment)}`;
  }

  async #call(
    method: string,
    endpoint: string,
    deployment: string,
    body?: unknown,
    tail = '',
  ): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(this.#url(endpoint, deployment) + tail, {
        method,
        headers: { 'x-functions-key': this.key, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Creating replicas loads and warms their model: minutes for a large one.
        signal: AbortSignal.timeout(600_000),
      });
    } catch (error) {
      throw new SibylError(
        'ServiceUnavailable',
        `The local compute provider is not reachable: ${(error as Error).message}`,
        undefined,
        { 'Retry-After': '5' },
      );
    }
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async apply(spec: ScorerAppSpec): Promise<ScorerAppStatus> {
    const { status, json } = await this.#call('PUT', spec.endpoint, spec.deployment, spec);
    if (status === 200) return json as ScorerAppStatus;
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    const message = error?.message ?? `status ${status}`;
    if (error?.code === 'InvalidModel')
      throw new SibylError('InvalidModel', `its replicas cannot run the model: ${message}`);
    throw new SibylError(
      'ServiceUnavailable',
      `The replicas of ${spec.endpoint}/${spec.deployment} could not start: ${message}`,
      undefined,
      { 'Retry-After': '5' },
    );
  }

  async status(endpoint: string, deployment: string): Promise<ScorerAppStatus | undefined> {
    const { status, json } = await this.#call('GET', endpoint, deployment);
    if (status === 404) return undefined;
    if (status !== 200) throw new SibylError('ServiceUnavailable', `The local compute provider answered ${status}.`);
    return json as ScorerAppStatus;
  }

  async remove(endpoint: string, deployment: string): Promise<void> {
    const { status } = await this.#call('DELETE', endpoint, deployment);
    if (status !== 204 && status !== 404)
      throw new SibylError('ServiceUnavailable', `The local compute provider answered ${status} to a delete.`);
  }

  async logs(endpoint: string, deployment: string, lines: number): Promise<ReplicaLogLine[] | undefined> {
    const { status, json } = await this.#call('GET', endpoint, deployment, undefined, `/logs?lines=${lines}`);
    if (status === 404) return undefined;
    if (status !== 200) throw new SibylError('ServiceUnavailable', `The local compute provider answered ${status}.`);
    return (json as { lines: ReplicaLogLine[] }).lines;
  }
}
