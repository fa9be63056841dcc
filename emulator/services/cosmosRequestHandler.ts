/**
 * The HTTP request handler of the local Cosmos server: `@vercel/cosmosdb-server`'s routes and account
 * store, served by our own handler so that we hold the account (for durability) and can act between
 * "the handler changed state" and "the client is told".
 *
 * Mirrors the package's own `generateRequestHandler` (lib/index.js, 1.0.1): same headers, same error
 * shape; differences: errors go to our logger instead of `console.error`, `content-location` uses
 * the real scheme (http), transactional batch / bulk go to cosmosBatchHandler.ts, a continuation token
 * it could not have issued is a 400 as in Azure (cosmosContinuation.ts), and `beforeRespond` runs before
 * each response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Account from '@vercel/cosmosdb-server/lib/account';
import routes from '@vercel/cosmosdb-server/lib/routes';
import packageBatchHandler from '@vercel/cosmosdb-server/lib/handler/batch-documents';
import batchDocuments from './cosmosBatchHandler';
import { isReadableContinuation } from './cosmosContinuation';
import type { ServiceLogger } from './serviceLogger';

type RouteHandler = (
  account: Account,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => unknown;
type ResolveRoute = (req: IncomingMessage) => [Record<string, string>, RouteHandler] | undefined;

const resolveRoute = routes as unknown as ResolveRoute;

const QUERY_METRICS =
  'totalExecutionTimeInMs=0.00;queryCompileTimeInMs=0.00;queryLogicalPlanBuildTimeInMs=0.00;queryPhysicalPlanBuildTimeInMs=0.00;' +
  'queryOptimizationTimeInMs=0.00;VMExecutionTimeInMs=0.00;indexLookupTimeInMs=0.00;documentLoadTimeInMs=0.00;' +
  'systemFunctionExecuteTimeInMs=0.00;userFunctionExecuteTimeInMs=0.00;retrievedDocumentCount=0;retrievedDocumentSize=0;' +
  'outputDocumentCount=1;outputDocumentSize=0;writeOutputTimeInMs=0.00;indexUtilizationRatio=0.00';

export interface CosmosRequestHandlerOptions {
  account: Account;
  log: ServiceLogger;
  /**
   * Runs after a route handler returned and before the response is written, whatever the outcome
   * (the durable store flushes its journal here). Throwing turns the response into a 500.
   */
  beforeRespond?: () => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function runRoute(
  options: CosmosRequestHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<unknown> {
  const route = resolveRoute(req);
  if (!route) {
    res.statusCode = 400;
    return { message: 'no route' };
  }
  const [params, routeHandler] = route;
  const continuation = req.headers['x-ms-continuation'];
  if (typeof continuation === 'string' && continuation !== '' && !isReadableContinuation(continuation)) {
    res.statusCode = 400;
    return { code: 'BadRequest', message: 'Invalid Continuation Token' };
  }
  // Our batch handler replaces the package's (see cosmosBatchHandler.ts for what it fixes).
  const handler = routeHandler === (packageBatchHandler as unknown) ? batchDocuments : routeHandler;
  let body: unknown;
  try {
    body = await handler(options.account, req, res, params);
  } catch (error) {
    options.log.error(
      `Cosmos server: ${req.method ?? ''} ${req.url ?? ''} failed: ${(error as Error).stack ?? String(error)}`,
    );
    res.statusCode = 500;
    body = { message: (error as Error).message };
  }
  if (res.statusCode > 399 && isRecord(body) && !body.message) body.message = '';
  return body;
}

/** Builds the `(req, res)` listener for `http.createServer`. */
export function createCosmosRequestHandler(
  options: CosmosRequestHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const body = await runRoute(options, req, res);
      options.beforeRespond?.();
      if (isRecord(body) && typeof body._etag === 'string') res.setHeader('etag', body._etag);
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-location', `http://${req.headers.host ?? ''}${req.url ?? ''}`);
      res.setHeader('x-ms-activity-id', randomUUID());
      res.setHeader('x-ms-request-charge', '1');
      if (req.headers['x-ms-documentdb-populatequerymetrics'])
        res.setHeader('x-ms-documentdb-query-metrics', QUERY_METRICS);
      // Change feed: the package answers "no changes since" with 304 when the client sends an etag.
      if (req.headers['a-im'] && res.statusCode === 200) {
        if (req.headers['if-none-match']) res.statusCode = 304;
        res.setHeader('etag', '1');
      }
      res.end(JSON.stringify(body));
    })().catch((error: unknown) => {
      options.log.error(
        `Cosmos server: ${req.method ?? ''} ${req.url ?? ''} could not be answered: ${(error as Error).stack ?? String(error)}`,
      );
      if (!res.headersSent) res.statusCode = 500;
      if (!res.writableEnded)
        res.end(JSON.stringify({ code: 'InternalServerError', message: (error as Error).message }));
    });
  };
}
