/**
 * Per-name version numbers (1, 2, 3…) with no duplicates under concurrent writers: a head document
 * per name holds `nextVersion`, advanced with an ETag compare-and-swap.
 */
import type { Container } from '@azure/cosmos';
import { queryDocs } from './queryDocs';
import { updateWithEtag as updateDoc } from './updateWithEtag';

/** The head document of a versioned resource (its `id` is the name; partition key `/name`). */
export interface VersionHead {
  id: string;
  name: string;
  type: string;
  nextVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** Reserves the next version of `name`; `init` builds a new head's extra fields on first use. */
export async function reserveVersion<H extends VersionHead>(
  container: Container,
  name: string,
  type: string,
  init: () => Omit<H, keyof VersionHead>,
): Promise<number> {
  let version = 1;
  await updateDoc<H>(
    container,
    name,
    name,
    (head) => {
      const now = new Date().toISOString();
      version = head?.nextVersion ?? 1;
      return head
        ? { ...head, nextVersion: version + 1, updatedAt: now }
        : ({ ...init(), id: name, name, type, nextVersion: 2, createdAt: now, updatedAt: now } as H);
    },
    { what: `The version counter of '${name}'` },
  );
  return version;
}

/** Gives back a reserved version when nothing was stored under it and nobody reserved a later one. */
export async function releaseVersion(container: Container, name: string, version: number): Promise<void> {
  try {
    const { resource: head, etag } = await container.item(name, name).read<VersionHead>();
    if (head?.nextVersion !== version + 1) return;
    await container
      .item(name, name)
      .replace({ ...head, nextVersion: version }, { accessCondition: { type: 'IfMatch', condition: etag } });
  } catch {
    // Best effort: a gap is better than a failure on top of the failure being reported.
  }
}

/** `updateWithEtag` for a document that must exist: an absent one stays absent (undefined). */
export async function updateWithEtag<T extends { id: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  change: (doc: T) => T | undefined,
): Promise<T | undefined> {
  return (await updateDoc<T>(container, id, partitionKey, (doc) => doc && change(doc)))?.doc;
}

/** A head that also records the latest version stored under it. */
export interface LatestVersionHead extends VersionHead {
  latestVersion: number | null;
}

/**
 * Fills a reserved version: `write` stores it. If that fails, `undo` removes what it left (best effort), the
 * version is given back and the error rethrown; once stored, the head's `latestVersion` becomes `version`
 * unless a later one is recorded already.
 */
export async function fillVersion<H extends LatestVersionHead>(
  container: Container,
  name: string,
  version: number,
  write: () => Promise<unknown>,
  undo: () => Promise<unknown> = () => Promise.resolve(),
): Promise<void> {
  try {
    await write();
  } catch (error) {
    await undo().catch(() => undefined);
    await releaseVersion(container, name, version);
    throw error;
  }
  await updateWithEtag<H>(container, name, name, (head) =>
    (head.latestVersion ?? 0) >= version
      ? undefined
      : { ...head, latestVersion: version, updatedAt: new Date().toISOString() },
  );
}

/** The version documents (`type` 'version') of `name`, oldest first. */
export async function listVersionDocs<T>(container: Container, name: string): Promise<T[]> {
  const query = "SELECT * FROM c WHERE c.type = 'version' AND c.name = @name ORDER BY c.version";
  return queryDocs<T>(container, query, { '@name': name }, name);
}
