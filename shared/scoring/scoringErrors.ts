/**
 * Client-fault errors raised while decoding and checking scoring requests. Each carries a stable
 * `code` (part of the public API: `{"error": {"code", "message", "details"}}`) and the HTTP status
 * it maps to. They live here until `shared/errors.ts` exists; the lead folds them in there.
 *
 * Messages are written for the caller: they name the input (or body field), say what was wrong and
 * what was expected, so they can be returned verbatim.
 */
export abstract class ScoringError extends Error {
  /** Stable identifier; changing one breaks clients. */
  abstract readonly code: string;
  /** HTTP status the error funnel answers with. */
  abstract readonly status: number;

  constructor(
    message: string,
    /** Optional machine-readable specifics (input name, expected/actual values). */
    readonly details?: Array<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The body is not a valid request: wrong form, unknown names, wrong JSON types or values. 400. */
export class InvalidInputError extends ScoringError {
  readonly code = 'InvalidInput';
  readonly status = 400;
}

/** A tensor's shape does not fit its data or the model's signature (rank, fixed dims, count). 400. */
export class ShapeMismatchError extends ScoringError {
  readonly code = 'ShapeMismatch';
  readonly status = 400;
}

/** A request declares more tensor elements than the configured cap; refused before allocating. 413. */
export class PayloadTooLargeError extends ScoringError {
  readonly code = 'PayloadTooLarge';
  readonly status = 413;
}

/** True for every error defined here (client faults with a code and a status). */
export function isScoringError(error: unknown): error is ScoringError {
  return error instanceof ScoringError;
}
