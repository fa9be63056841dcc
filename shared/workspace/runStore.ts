/**
 * Reads and writes run documents. Updates are ETag compare-and-swaps that refuse to move a status
 * backwards, so a late progress write can never undo `Canceled` or `Completed`.
 *
 * @example
 *   await createRun({ id: 'batch-1', kind: 'batch', parameters: {} });
 *   await updateRun('batch-1', (run) => ({ ...run, status: 'Running', startedAt: now }));
 */
import { SibylError } from '../errors';
import { isConflict, isNotFound } from '../storage/cosmosErrors';
import { readTypedDoc } from '../storage/readTypedDoc';
import { getContainer } from '../storage/cosmosDatabase';
import { updateWithEtag } from '../storage/versionCounter';
import { canMove, type RunDoc, type RunStatus } from './runDocuments';

const runs = () => getContainer('runs');

export type NewRun = Pick<RunDoc, 'id' | 'kind'> & Partial<Omit<RunDoc, 'id' | 'kind' | 'type'>>;

/** Stores a new run (status `Queued` unless given); a duplicate id is a 409. */
export async function createRun(fields: NewRun): Promise<RunDoc> {
  const now = new Date().toISOString();
  const doc: RunDoc = {
    status: 'Queued',
    parameters: {},
    metrics: {},
    children: [],
    outputs: {},
    createdAt: now,
    updatedAt: now,
    ...fields,
    type: 'run',
  };
  try {
    await runs().items.create(doc);
  } catch (error) {
    if (isConflict(error)) throw new SibylError('Conflict', `A run with id '${doc.id}' already exists.`);
    throw error;
  }
  return doc;
}

export function runNotFound(id: string): SibylError {
  return new SibylError('RunNotFound', `Run '${id.slice(0, 255)}' does not exist.`);
}

/** The run, or undefined. */
export function findRun(id: string): Promise<RunDoc | undefined> {
  return readTypedDoc<RunDoc>(runs(), id, id, 'run');
}

/** The run; throws RunNotFound. */
export async function readRun(id: string): Promise<RunDoc> {
  const doc = await findRun(id);
  if (!doc) throw runNotFound(id);
  return doc;
}

/**
 * Applies `change` with an ETag compare-and-swap. `change` returns the new document, or undefined to
 * leave it. A change that would move the status backwards (or out of a terminal status) is dropped,
 * and the stored document is returned. Throws RunNotFound.
 */
export async function updateRun(id: string, change: (run: RunDoc) => RunDoc | undefined): Promise<RunDoc> {
  const saved = await updateWithEtag<RunDoc>(runs(), id, id, (run) => {
    const next = change(run);
    if (!next) return undefined;
    if (!canMove(run.status, next.status)) return undefined;
    return { ...next, id: run.id, type: 'run', updatedAt: new Date().toISOString() };
  }).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!saved) throw runNotFound(id);
  return saved;
}

/** Moves a run to `status` (with extra fields) if that is a forward move; returns the stored document. */
export function moveRun(id: string, status: RunStatus, fields: Partial<RunDoc> = {}): Promise<RunDoc> {
  return updateRun(id, (run) => (canMove(run.status, status) ? { ...run, ...fields, status } : undefined));
}
