/**
 * The local compute provider's admin API (master key), which the app's local compute transport
 * calls: `PUT|GET|DELETE admin/compute/apps/{endpoint}/{deployment}` and
 * `GET admin/compute/apps/{endpoint}/{deployment}/logs?lines=N`.
 */
import { MAX_LOG_LINES, type ScorerAppSpec } from '../../shared/compute/computeTypes';
import type { ReservedAnswer, ReservedRequest } from '../http/frontDoor';
import type { LocalCompute } from './localCompute';

const json = (status: number, body: unknown): ReservedAnswer => ({ status, headers: {}, body });
const problem = (status: number, code: string, message: string) => json(status, { error: { code, message } });

const isCount = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min;

/** What is wrong with a spec sent to the admin API, or undefined when it is usable. */
export function specProblem(spec: Partial<ScorerAppSpec>): string | undefined {
  if (typeof spec.endpoint !== 'string' || !spec.endpoint || typeof spec.deployment !== 'string' || !spec.deployment)
    return 'endpoint and deployment are required.';
  if (spec.kind !== 'container' && spec.kind !== 'gpu') return "kind must be 'container' or 'gpu'.";
  if (!isCount(spec.minReplicas, 0) || !isCount(spec.maxReplicas, 1) || spec.minReplicas > spec.maxReplicas)
    return 'minReplicas and maxReplicas must be whole numbers with 0 ≤ min ≤ max and max ≥ 1.';
  if (!isCount(spec.concurrentRequests, 1)) return 'concurrentRequests must be a whole number ≥ 1.';
  if (typeof spec.scaleInDelaySeconds !== 'number' || !(spec.scaleInDelaySeconds >= 0))
    return 'scaleInDelaySeconds must be a number ≥ 0.';
  if (typeof spec.revision !== 'string' || !spec.revision) return 'revision is required.';
  if (typeof spec.runtime !== 'string') return 'runtime is required.';
  if (
    !spec.settings ||
    typeof spec.settings !== 'object' ||
    Object.values(spec.settings).some((v) => typeof v !== 'string')
  )
    return 'settings must map names to strings.';
  return undefined;
}

/** Answers `compute/…` admin routes; undefined for any other path. */
export async function computeAdminRoute(
  compute: LocalCompute,
  req: ReservedRequest,
): Promise<ReservedAnswer | undefined> {
  const segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] !== 'compute') return undefined;
  const [, area, endpoint, deployment, extra, more] = segments;
  if (area === 'apps' && endpoint && deployment && extra === 'logs' && !more && req.method === 'GET') {
    const lines = Number(req.query.get('lines') ?? '100');
    if (!Number.isInteger(lines) || lines < 1 || lines > MAX_LOG_LINES)
      return problem(400, 'InvalidInput', `lines must be a whole number from 1 to ${MAX_LOG_LINES}.`);
    const logs = compute.logs(endpoint, deployment, lines);
    return logs ? json(200, { lines: logs }) : problem(404, 'NotFound', `No scorer app ${endpoint}/${deployment}.`);
  }
  if (area !== 'apps' || !endpoint || !deployment || extra)
    return problem(404, 'NotFound', `No admin route ${req.method} /admin/${req.path}.`);
  if (req.method === 'GET') {
    const status = compute.status(endpoint, deployment);
    return status ? json(200, status) : problem(404, 'NotFound', `No scorer app ${endpoint}/${deployment}.`);
  }
  if (req.method === 'DELETE') {
    return (await compute.remove(endpoint, deployment))
      ? json(204, undefined)
      : problem(404, 'NotFound', `No scorer app ${endpoint}/${deployment}.`);
  }
  if (req.method === 'PUT') {
    let spec: Partial<ScorerAppSpec>;
    try {
      spec = JSON.parse(req.body.toString('utf8')) as Partial<ScorerAppSpec>;
    } catch {
      return problem(400, 'InvalidInput', 'The body is not valid JSON.');
    }
    const wrong =
      specProblem(spec) ??
      (spec.endpoint !== endpoint || spec.deployment !== deployment
        ? 'The spec names another app than the route.'
        : undefined);
    if (wrong) return problem(400, 'InvalidInput', wrong);
    try {
      return json(200, await compute.apply(spec as ScorerAppSpec));
    } catch (error) {
      const status = compute.status(endpoint, deployment);
      return json(409, {
        error: { code: status?.failure ?? 'ReplicasFailed', message: (error as Error).message },
        status,
      });
    }
  }
  return problem(405, 'MethodNotAllowed', `${req.method} is not allowed on /admin/${req.path}.`);
}
