/** The `SibylError` an operation is refused with; any other error, or none, fails the test. */
import { SibylError } from '../../shared/errors';

export async function refusal(promise: Promise<unknown>): Promise<SibylError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SibylError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** `refusal` for an operation that throws rather than rejects. */
export function refusalOf(act: () => unknown): SibylError {
  try {
    act();
  } catch (error) {
    if (error instanceof SibylError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
