/**
 * Client-fault errors raised while decoding and checking scoring requests. They are `SibylError`s,
 * so the one error funnel (`toErrorBody` in `shared/errors.ts`) maps them: the code is stable and
 * the status comes from `ERROR_STATUS`. Messages are written for the caller (they name the input
 * or body field, say what was wrong and what was expected) and are returned verbatim.
 */
import { SibylError, type ErrorDetail } from '../errors';

/** The body is not a valid request: wrong form, unknown or missing names, wrong JSON values. 400 `InvalidInput`. */
export class InvalidInputError extends SibylError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('InvalidInput', message, details);
    this.name = 'InvalidInputError';
  }
}

/** An input's datatype differs from the model's. 400 `DatatypeMismatch`. */
export class DatatypeMismatchError extends SibylError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('DatatypeMismatch', message, details);
    this.name = 'DatatypeMismatchError';
  }
}

/** A tensor's shape does not fit its data or the model's signature (rank, fixed dims, count). 400 `ShapeMismatch`. */
export class ShapeMismatchError extends SibylError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('ShapeMismatch', message, details);
    this.name = 'ShapeMismatchError';
  }
}

/** A request declares more tensor elements than the configured cap; refused before allocating. 413 `PayloadTooLarge`. */
export class PayloadTooLargeError extends SibylError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('PayloadTooLarge', message, details);
    this.name = 'PayloadTooLargeError';
  }
}

/** True for the client faults the scoring codecs raise (each a `SibylError` with status < 500). */
export function isScoringError(
  error: unknown,
): error is InvalidInputError | DatatypeMismatchError | ShapeMismatchError | PayloadTooLargeError {
  return (
    error instanceof InvalidInputError ||
    error instanceof DatatypeMismatchError ||
    error instanceof ShapeMismatchError ||
    error instanceof PayloadTooLargeError
  );
}
