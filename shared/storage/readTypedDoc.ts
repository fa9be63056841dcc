/**
 * Reads one Cosmos document that must be of a given `type` (containers hold several kinds of document):
 * undefined when it is absent or of another type, so stores answer their own NotFound.
 *
 * @example
 *   const run = await readTypedDoc<RunDoc>(runs(), id, id, 'run');
 */
import type { Container } from '@azure/cosmos';
import { isNotFound } from './cosmosErrors';

export async function readTypedDoc<T extends { type: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  type: T['type'],
): Promise<T | undefined> {
  try {
    const { resource } = await container.item(id, partitionKey).read<T>();
    return resource?.type === type ? resource : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
