/** Recognises Cosmos DB SDK failures by HTTP status (the SDK throws `ErrorResponse` with `code`). */
export function hasStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === status;
}

export const isNotFound = (error: unknown): boolean => hasStatus(error, 404);
export const isConflict = (error: unknown): boolean => hasStatus(error, 409);
export const isPreconditionFailed = (error: unknown): boolean => hasStatus(error, 412);
