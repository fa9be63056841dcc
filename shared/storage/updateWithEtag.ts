/**
 * The one read-modify-write of Cosmos documents: read the document and its ETag, compute the next
 * version, write it only if nobody wrote in between (`IfMatch`), and retry with a short jittered pause
 * when somebody did. With `ifMatch` (a client's `If-Match` header) there is no retry: the client
 * asked for the version it saw, so a different one is a 412.
 *
 * @example
 *   const saved = await updateWithEtag<EndpointDoc>(container, 'endpoint', 'iris', (doc) => doc && { ...doc, description: 'new' });
 *   // saved: { doc, etag, created: false }, or undefined when the document does not exist
 */
import type { Container } from '@azure/cosmos';
import { SibylError } from '../errors';
import { isConflict, isNotFound, isPreconditionFailed } from './cosmosErrors';

/** Attempts before a write that keeps losing races answers 409. */
export const MAX_ETAG_ATTEMPTS = 50;

export interface EtagOptions {
  /** The `If-Match` a client sent: the write happens only on that exact version (`*`: any existing one). */
  ifMatch?: string;
  /** Names the document in messages ("endpoint 'iris'"). */
  what?: string;
}

export interface EtagResult<T> {
  doc: T;
  etag: string;
  /** True when the document did not exist and `change` created it. */
  created: boolean;
}

/** A 412 naming what changed, for `If-Match` mismatches. */
export function preconditionFailed(what: string): SibylError {
  return new SibylError(
    'PreconditionFailed',
    `${what} has changed since the ETag in If-Match was read (or does not exist); read it again and retry with its current ETag.`,
  );
}

async function readWithEtag<T extends { id: string }>(
  container: Container,
  id: string,
  partitionKey: string,
): Promise<{ doc: T; etag: string } | undefined> {
  try {
    const { resource, etag } = await container.item(id, partitionKey).read<T>();
    return resource ? { doc: resource, etag } : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));

/**
 * Applies `change` to the document `id` with an ETag compare-and-swap. `change` gets the current
 * document (undefined when absent) and returns the next one, or undefined to write nothing. A document
 * `change` returns for an absent one is created. Resolves to what was written (or found, when nothing
 * was), or undefined when the document is absent and stays so.
 */
export async function updateWithEtag<T extends { id: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  change: (current: T | undefined) => T | undefined,
  options: EtagOptions = {},
): Promise<EtagResult<T> | undefined> {
  const what = options.what ?? `Document '${id}'`;
  const attempts = options.ifMatch !== undefined ? 1 : MAX_ETAG_ATTEMPTS;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await readWithEtag<T>(container, id, partitionKey);
    if (options.ifMatch !== undefined && (!current || (options.ifMatch !== '*' && options.ifMatch !== current.etag)))
      throw preconditionFailed(what);
    const next = change(current?.doc);
    if (!next) return current && { ...current, created: false };
    try {
      if (!current) {
        const { resource, etag } = await container.items.create<T>(next);
        return { doc: resource ?? next, etag, created: true };
      }
      const { resource, etag } = await container
        .item(id, partitionKey)
        .replace<T>(next, { accessCondition: { type: 'IfMatch', condition: current.etag } });
      return { doc: resource ?? next, etag, created: false };
    } catch (error) {
      const raced = isPreconditionFailed(error) || isConflict(error) || isNotFound(error);
      if (!raced) throw error;
      if (options.ifMatch !== undefined) throw preconditionFailed(what);
      await pause(attempt);
    }
  }
  throw new SibylError('Conflict', `${what} is being changed concurrently; try again.`);
}

/** The ETag Cosmos returns on every document it reads or queries (`_etag`). */
export function etagOf(doc: object): string | undefined {
  const etag = (doc as { _etag?: unknown })._etag;
  return typeof etag === 'string' ? etag : undefined;
}
