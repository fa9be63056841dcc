/**
 * The host's `admin/` routes (master key): `GET admin/host/status`, `GET admin/functions`, and
 * `POST admin/functions/{name}` to run a non-HTTP function now, as Core Tools offers; `admin/compute/…`
 * for the local compute provider.
 */
import { computeAdminRoute } from './compute/computeAdminRoutes';
import type { LocalCompute } from './compute/localCompute';
import type { FunctionDescriptor } from './functionCatalog';
import type { ReservedAnswer, ReservedRequest } from './http/frontDoor';

export interface AdminDependencies {
  functions: FunctionDescriptor[];
  timers: { fireNow(name: string): Promise<void> };
  startedAt: Date;
  /** The local compute provider (`admin/compute/…`), when the host runs one. */
  compute?: LocalCompute;
}

const json = (status: number, body: unknown): ReservedAnswer => ({ status, headers: {}, body });
const notFound = (message: string) => json(404, { error: { code: 'NotFound', message } });

export function adminHandler(deps: AdminDependencies): (req: ReservedRequest) => Promise<ReservedAnswer> {
  return async (req) => (deps.compute && (await computeAdminRoute(deps.compute, req))) || route(deps, req);
}

function route(deps: AdminDependencies, req: ReservedRequest): ReservedAnswer {
  const segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  const [area, name, extra] = segments;
  if (area === 'host' && name === 'status' && !extra && req.method === 'GET') {
    return json(200, {
      state: 'Running',
      version: '4.1037.0.0',
      startedAt: deps.startedAt.toISOString(),
      functions: deps.functions.length,
    });
  }
  if (area === 'functions' && !name && req.method === 'GET') {
    return json(
      200,
      deps.functions.map((f) => ({ name: f.name, trigger: f.trigger.type })),
    );
  }
  if (area === 'functions' && name && !extra && req.method === 'POST') {
    const fn = deps.functions.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!fn) return notFound(`No function named '${name}'.`);
    if (fn.kind !== 'timer') {
      return json(400, {
        error: {
          code: 'InvalidInput',
          message: `'${fn.name}' is a ${fn.trigger.type}; only timer functions can be run from admin/functions.`,
        },
      });
    }
    void deps.timers.fireNow(fn.name);
    return json(202, { name: fn.name, status: 'Started' });
  }
  return notFound(`No admin route ${req.method} /admin/${req.path}.`);
}
