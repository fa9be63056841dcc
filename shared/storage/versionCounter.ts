/**
 * Per-name version numbers (1, 2, 3…) with no duplicates under concurrent writers: a head document
 * per name holds `nextVersion`, advanced with an ETag compare-and-swap.
 */
import type { Container } from '@azure/cosmos';
import { SibylError } from '../errors';
import { isConflict, isNotFound, isPreconditionFailed } from './cosmosErrors';

/** The head document of a versioned resource (its `id` is the name; partition key `/name`). */
export interface VersionHead {
  id: string;
  name: string;
  type: string;
  nextVersion: number;
  createdAt: string;
  updatedAt: string;
}

const MAX_ATTEMPTS = 50;

/** Reserves the next version of `name`; `init` builds a new head's extra fields on first use. */
export async function reserveVersion<H extends VersionHead>(container: Container, name: string, type: string, init: () => Omit<H, keyof VersionHead>): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = new Date().toISOString();
    try {
      const { resource: head, etag } = await container.item(name, name).read<H>();
      if (!head) {
        const fresh = { ...init(), id: name, name, type, nextVersion: 2, createdAt: now, updatedAt: now } as H;
        await container.items.create(fresh);
        return 1;
      }
      const version = head.nextVersion;
      await container.item(name, name).replace({ ...head, nextVersion: version + 1, updatedAt: now }, { accessCondition: { type: 'IfMatch', condition: etag } });
      return version;
    } catch (error) {
      if (isConflict(error) || isPreconditionFailed(error) || isNotFound(error)) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
        continue;
      }
      throw error;
    }
  }
  throw new SibylError('Conflict', `Too many concurrent writers for '${name}'; try again.`);
}

/** Gives back a reserved version when nothing was stored under it and nobody reserved a later one. */
export async function releaseVersion(container: Container, name: string, version: number): Promise<void> {
  try {
    const { resource: head, etag } = await container.item(name, name).read<VersionHead>();
    if (head?.nextVersion !== version + 1) return;
    await container.item(name, name).replace({ ...head, nextVersion: version }, { accessCondition: { type: 'IfMatch', condition: etag } });
  } catch {
    // Best effort: a gap is better than a failure on top of the failure being reported.
  }
}

/** Applies `change` to a document with an ETag compare-and-swap, retrying on races. */
export async function updateWithEtag<T extends { id: string }>(container: Container, id: string, partitionKey: string, change: (doc: T) => T | undefined): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { resource, etag } = await container.item(id, partitionKey).read<T>();
    if (!resource) return undefined;
    const next = change(resource);
    if (!next) return resource;
    try {
      const { resource: saved } = await container.item(id, partitionKey).replace<T>(next, { accessCondition: { type: 'IfMatch', condition: etag } });
      return saved;
    } catch (error) {
      if (isPreconditionFailed(error)) continue;
      throw error;
    }
  }
  throw new SibylError('Conflict', `Too many concurrent updates of '${id}'; try again.`);
}
