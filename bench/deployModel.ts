/**
 * Serves a model through Sibyl's control plane, as a user would: register the ONNX bytes, create a
 * `key` endpoint, deploy the version with dynamic batching, and read the endpoint's primary key.
 */
import type { EmulatorHost } from './emulatorHost';
import { hostCallOk as call } from './hostCall';

/** A deployment's `batching` settings. */
export interface DeploymentBatching {
  maxBatchSize: number;
  maxQueueDelayMs: number;
}

export interface DeployedModel {
  host: EmulatorHost;
  endpoint: string;
  scoreUrl: string;
  primaryKey: string;
}

/** `extra` adds to the deployment spec (e.g. `dataCollection`). */
export async function deployModel(
  host: EmulatorHost,
  name: string,
  onnx: Uint8Array,
  batching: DeploymentBatching,
  extra: object = {},
): Promise<DeployedModel> {
  const registered = (await call(host, 'POST', `api/models/${name}/versions`, onnx)) as { version: number };
  await call(host, 'PUT', `api/endpoints/${name}`, { authMode: 'key' });
  await call(host, 'PUT', `api/endpoints/${name}/deployments/blue`, {
    model: `${name}:${registered.version}`,
    batching,
    ...extra,
  });
  const res = await fetch(`${host.baseUrl}/api/endpoints/${name}/keys`, {
    headers: { 'x-functions-key': host.functionKey },
  });
  if (res.status !== 200) throw new Error(`GET keys of ${name}: ${res.status} ${await res.text()}`);
  const { primaryKey } = (await res.json()) as { primaryKey: string };
  return { host, endpoint: name, scoreUrl: `${host.baseUrl}/api/endpoints/${name}/score`, primaryKey };
}

/** Requests and model runs Sibyl has recorded for an endpoint (from its metrics route), to derive the mean batch size. */
export async function batchTotals(deployed: DeployedModel): Promise<{ requests: number; batches: number }> {
  const res = await fetch(`${deployed.host.baseUrl}/api/endpoints/${deployed.endpoint}/metrics?minutes=60`, {
    headers: { 'x-functions-key': deployed.host.functionKey },
  });
  if (res.status !== 200) throw new Error(`GET metrics of ${deployed.endpoint}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    deployments: Record<string, { requests: number; errors: number; meanBatchSize: number }[]>;
  };
  let requests = 0;
  let batches = 0;
  for (const points of Object.values(body.deployments)) {
    for (const p of points) {
      const rows = p.requests - p.errors;
      requests += rows;
      if (p.meanBatchSize > 0) batches += rows / p.meanBatchSize;
    }
  }
  return { requests, batches };
}

/** Lines the deployment's collector wrote and dropped so far (its metrics, written every few seconds). */
export async function collectionTotals(deployed: DeployedModel): Promise<{ collected: number; dropped: number }> {
  const res = await fetch(`${deployed.host.baseUrl}/api/endpoints/${deployed.endpoint}/metrics?minutes=60`, {
    headers: { 'x-functions-key': deployed.host.functionKey },
  });
  if (res.status !== 200) throw new Error(`GET metrics of ${deployed.endpoint}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    deployments: Record<string, { collected?: number; collectionDropped?: number }[]>;
  };
  const points = Object.values(body.deployments).flat();
  return {
    collected: points.reduce((n, p) => n + (p.collected ?? 0), 0),
    dropped: points.reduce((n, p) => n + (p.collectionDropped ?? 0), 0),
  };
}
