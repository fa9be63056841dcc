/**
 * Blob containers that belong to the app itself and so can never back a datastore: a datastore is
 * read and written with the app's identity, so one on `models` could replace a deployed model, one on
 * `code` a scoring script, one on `azure-webjobs-secrets` could read the host's keys, one on the
 * deployment package could replace the app's code.
 *
 * @example
 *   refuseReservedContainer('models'); // throws 400 naming the reserved containers
 *   refuseReservedContainer('scoring-data'); // returns
 */
import { JOBS_CONTAINER } from '../batch/jobStorage';
import { CODE_CONTAINER } from '../compute/userRuntime';
import { SibylError } from '../errors';
import { MODELS_CONTAINER } from '../registry/modelBlobs';

/** Containers reserved by exact name. */
export const RESERVED_CONTAINERS: readonly string[] = [
  MODELS_CONTAINER,
  CODE_CONTAINER,
  JOBS_CONTAINER,
  // The Flex Consumption deployment package (infra/main.bicep) and the classic plans' package store.
  'deploymentpackage',
  'scm-releases',
];

/**
 * Containers reserved by prefix: the Functions host's own (`azure-webjobs-hosts`, `-secrets`, blob
 * receipts), Flex Consumption's default package container, Sibyl's own (`sibyl-…`) and the Durable task
 * hub's (`sibylhub-leases`, `-largemessages`, `-applease`).
 */
export const RESERVED_PREFIXES: readonly string[] = ['azure-webjobs-', 'app-package-', 'sibyl-', 'sibylhub-'];

/** The Durable Functions Azure Storage provider names a task hub's containers `{hub}-{suffix}`, whatever the hub. */
const TASK_HUB_SUFFIXES: readonly string[] = ['-leases', '-largemessages', '-applease'];

/** Why `container` is reserved, or undefined when a datastore may use it. */
export function reservedReason(container: string): string | undefined {
  const name = container.toLowerCase();
  if (name.startsWith('$')) return 'it is a storage system container';
  if (RESERVED_CONTAINERS.includes(name)) return 'the app stores its own data there';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `names starting with '${prefix}' belong to the app or the Functions host`;
  const suffix = TASK_HUB_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `names ending with '${suffix}' belong to the Durable task hub`;
  return undefined;
}

/** Throws a 400 naming the reserved containers when `container` is one of them. */
export function refuseReservedContainer(container: string): void {
  const reason = reservedReason(container);
  if (!reason) return;
  const list = [
    ...RESERVED_CONTAINERS,
    ...RESERVED_PREFIXES.map((p) => `${p}*`),
    ...TASK_HUB_SUFFIXES.map((s) => `*${s}`),
    '$*',
  ];
  throw new SibylError(
    'InvalidInput',
    `Blob container '${container.slice(0, 63)}' is reserved (${reason}) and cannot back a datastore. ` +
      `Reserved: ${list.join(', ')}. Use a container of your own, e.g. 'scoring-data'.`,
    [{ target: 'container', message: `reserved: ${list.join(', ')}` }],
  );
}
