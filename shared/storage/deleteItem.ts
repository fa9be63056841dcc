/**
 * Deletes one Cosmos document; an absent one is no error, so stores answer their own NotFound (or none).
 *
 * @example
 *   if (!(await deleteItem(monitors(), name, name))) throw monitorNotFound(name);
 */
import type { Container } from '@azure/cosmos';
import { isNotFound } from './cosmosErrors';

/** True when the document was there and is deleted, false when it was absent. */
export async function deleteItem(container: Container, id: string, partitionKey: string): Promise<boolean> {
  try {
    await container.item(id, partitionKey).delete();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
