/**
 * The Durable management HTTP API (docs/local-host-contract.md, "Durable Functions HTTP API", the extension's HttpApiHandler) as a
 * framework-free handler: the HTTP front door passes every request under
 * `/runtime/webhooks/durabletask/` here and writes the answer. Never throws.
 */
import { checkStatusPayload, webhookPath } from './clientBinding';
import type { DurableEngine } from './engine';
import { isTerminal, runtimeStatuses } from './historyEvents';
import type { RuntimeStatus } from './historyEvents';
import { DurableRequestError } from './durableRequestError';
import * as http from './managementHttp';
import type { ManagementRequest, ManagementResponse } from './managementHttp';
import { statusPayload } from './statusPayload';

export type { ManagementRequest, ManagementResponse } from './managementHttp';

const defaultPageSize = 100;

/** Creates the handler for `engine`. */
export function managementApi(engine: DurableEngine): (req: ManagementRequest) => Promise<ManagementResponse> {
  return async (req) => {
    try {
      return await route(engine, req);
    } catch (e) {
      if (e instanceof DurableRequestError) return http.error(e.status, e.message);
      return http.error(
        500,
        'Something went wrong while processing your request',
        e instanceof Error ? e.message : String(e),
      );
    }
  };
}

async function route(engine: DurableEngine, req: ManagementRequest): Promise<ManagementResponse> {
  const segments = http.pathSegments(req.path);
  if (!segments) return http.error(400, 'The request path is not valid percent-encoding.');
  const method = req.method.toUpperCase();
  const [root, a, b, c, ...rest] = segments;
  if (root === 'orchestrators' && a !== undefined && c === undefined) {
    return method === 'POST' ? start(engine, req, a, b) : notFound();
  }
  if (root === 'entities') return http.error(501, 'Durable entities are not supported by the Sibyl emulator.');
  if (root !== 'instances' || rest.length > 0) return notFound();
  if (a === undefined) {
    if (method === 'GET') return query(engine, req);
    if (method === 'DELETE') return purgeBy(engine, req);
    return notFound();
  }
  if (b === undefined) {
    if (method === 'GET') return status(engine, req, a);
    if (method === 'DELETE') return purge(engine, a);
    return notFound();
  }
  if (method !== 'POST') return notFound();
  if (b.toLowerCase() === 'raiseevent') return c === undefined ? notFound() : raiseEvent(engine, req, a, c);
  if (c !== undefined) return notFound();
  return operation(engine, req, a, b.toLowerCase());
}

function notFound(): ManagementResponse {
  return http.error(404, 'No Durable Functions management API matches this request.');
}

async function start(
  engine: DurableEngine,
  req: ManagementRequest,
  name: string,
  instanceId: string | undefined,
): Promise<ManagementResponse> {
  const body = http.bodyJson(req.body);
  if (!body) return http.error(400, 'Invalid JSON content');
  const version = req.query.get('version') ?? undefined;
  const id = await engine.startNewJson(name, {
    inputJson: body.text,
    ...(instanceId ? { instanceId } : {}),
    ...(version ? { version } : {}),
  });
  return waitOrCheckStatus(engine, req, id);
}

/** `?timeout=&pollingInterval=` waits for the result; otherwise (or on timeout) 202 + check-status links. */
async function waitOrCheckStatus(
  engine: DurableEngine,
  req: ManagementRequest,
  instanceId: string,
): Promise<ManagementResponse> {
  const timeout = http.querySeconds(req.query, 'timeout');
  const interval = http.querySeconds(req.query, 'pollingInterval');
  if (timeout !== undefined && interval !== undefined) {
    if (interval > timeout)
      return http.error(400, `Total timeout ${timeout / 1000} should be bigger than retry timeout ${interval / 1000}`);
    const done = await engine.waitForCompletion(instanceId, timeout).catch(() => undefined);
    if (done?.runtimeStatus === 'Completed') return http.json(200, done.output);
    if (done) return http.json(200, done);
  }
  const links = checkStatusPayload(req.origin, engine.hubName, instanceId);
  return http.json(202, links, { Location: links.statusQueryGetUri ?? '', 'Retry-After': '10' });
}

async function status(engine: DurableEngine, req: ManagementRequest, instanceId: string): Promise<ManagementResponse> {
  const payload = await engine.getStatus(instanceId, {
    showHistory: http.queryBool(req.query, 'showHistory') === true,
    showHistoryOutput: http.queryBool(req.query, 'showHistoryOutput') === true,
    showInput: http.queryBool(req.query, 'showInput') !== false,
  });
  if (!payload) return http.error(404, `No instance with ID '${instanceId}' found.`);
  switch (payload.runtimeStatus) {
    case 'Failed':
      return http.json(http.queryBool(req.query, 'returnInternalServerErrorOnFailure') === true ? 500 : 200, payload);
    case 'Completed':
    case 'Terminated':
    case 'Canceled':
      return http.json(200, payload);
    default: {
      const search = req.query.toString();
      const location = `${req.origin}${webhookPath}/${req.path.replace(/^\/+/, '')}${search ? `?${search}` : ''}`;
      return http.json(202, payload, { Location: location, 'Retry-After': '5' });
    }
  }
}

function parseStatuses(value: string | null): RuntimeStatus[] {
  if (!value) return [];
  const byLower = new Map(runtimeStatuses.map((s) => [s.toLowerCase(), s]));
  return value
    .split(',')
    .map((s) => byLower.get(s.trim().toLowerCase()))
    .filter((s): s is RuntimeStatus => s !== undefined);
}

function query(engine: DurableEngine, req: ManagementRequest): ManagementResponse {
  const offset = http.decodeContinuation(http.header(req, 'x-ms-continuation-token'));
  if (offset === undefined) return http.error(400, 'The x-ms-continuation-token header is not valid.');
  const topText = req.query.get('top');
  const top = topText !== null && /^\d+$/.test(topText) && Number(topText) > 0 ? Number(topText) : defaultPageSize;
  const from = http.queryDate(req.query, 'createdTimeFrom');
  const to = http.queryDate(req.query, 'createdTimeTo');
  const prefix = req.query.get('instanceIdPrefix');
  const matches = engine.query({
    runtimeStatus: parseStatuses(req.query.get('runtimeStatus')),
    ...(from ? { createdTimeFrom: from } : {}),
    ...(to ? { createdTimeTo: to } : {}),
    ...(prefix !== null ? { instanceIdPrefix: prefix } : {}),
  });
  const showInput = http.queryBool(req.query, 'showInput') !== false;
  const page = matches.slice(offset, offset + top).map((s) => statusPayload(s, { showInput }));
  // The JS client keeps paging while this header is non-empty: omit it on the last page.
  const more = offset + top < matches.length;
  return http.json(200, page, more ? { 'x-ms-continuation-token': http.encodeContinuation(offset + top) } : {});
}

async function purge(engine: DurableEngine, instanceId: string): Promise<ManagementResponse> {
  const result = await engine.purge(instanceId);
  if (result === 'missing') return http.error(404, `No instance with ID '${instanceId}' found.`);
  if (result === 'running') {
    const current = engine.summary(instanceId)?.status ?? 'Running';
    return http.json(
      412,
      `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${current}`,
    );
  }
  return http.json(200, { instancesDeleted: 1 });
}

async function purgeBy(engine: DurableEngine, req: ManagementRequest): Promise<ManagementResponse> {
  const from = http.queryDate(req.query, 'createdTimeFrom');
  if (!from) return http.json(400, "Please provide value for 'createdTimeFrom' parameter.");
  const to = http.queryDate(req.query, 'createdTimeTo');
  const statuses = parseStatuses(req.query.get('runtimeStatus'));
  const deleted = await engine.purgeBy({
    createdTimeFrom: from,
    ...(to ? { createdTimeTo: to } : {}),
    ...(statuses.length ? { runtimeStatus: statuses } : {}),
  });
  return deleted === 0
    ? http.error(404, 'No instances matched the purge filter.')
    : http.json(200, { instancesDeleted: deleted });
}

async function raiseEvent(
  engine: DurableEngine,
  req: ManagementRequest,
  instanceId: string,
  eventName: string,
): Promise<ManagementResponse> {
  const current = engine.summary(instanceId);
  if (!current) return http.error(404, `No instance with ID '${instanceId}' found.`);
  if (isTerminal(current.status)) return http.error(410, `Instance '${instanceId}' is ${current.status}.`);
  const contentType = http.header(req, 'content-type');
  if (req.headers && contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    return http.error(400, 'Only application/json request content is supported');
  }
  const body = http.bodyJson(req.body);
  if (!body) return http.error(400, 'Invalid JSON content');
  return fromRequestResult(await engine.raiseEventJson(instanceId, eventName, body.text), instanceId);
}

async function operation(
  engine: DurableEngine,
  req: ManagementRequest,
  instanceId: string,
  op: string,
): Promise<ManagementResponse> {
  const reason = req.query.get('reason') ?? undefined;
  switch (op) {
    case 'terminate':
      return fromRequestResult(await engine.terminate(instanceId, reason), instanceId);
    case 'suspend':
      return fromRequestResult(await engine.suspend(instanceId, reason), instanceId);
    case 'resume':
      return fromRequestResult(await engine.resume(instanceId, reason), instanceId);
    case 'rewind': {
      const current = engine.summary(instanceId);
      // The extension answers these two with a bare JSON string, which the client shows as the error.
      if (!current) return http.json(404, `No orchestration with instance ID "${instanceId}" found.`);
      if (current.status !== 'Failed') {
        return http.json(
          412,
          `This orchestration has status ${current.status}, but only orchestrations in the "Failed" state can be rewound.`,
        );
      }
      return http.error(501, 'Rewind is not supported by the Sibyl emulator.');
    }
    case 'restart': {
      const newId = await engine.restart(instanceId, http.queryBool(req.query, 'restartWithNewInstanceId') !== false);
      if (newId === undefined) return http.error(400, 'InstanceId does not match a valid orchestration instance.');
      return waitOrCheckStatus(engine, req, newId);
    }
    default:
      return notFound();
  }
}

function fromRequestResult(result: 'accepted' | 'missing' | 'gone', instanceId: string): ManagementResponse {
  if (result === 'missing') return http.error(404, `No instance with ID '${instanceId}' found.`);
  if (result === 'gone') return http.error(410, `Instance '${instanceId}' has already finished.`);
  return http.empty(202);
}
