/** What an operation is refused with, for tests that look inside the error; succeeding fails the test. */
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

/** What a synchronous call throws, whatever it is; returning normally fails the test. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** `refusal` for an operation that throws rather than rejects: any other error, or none, fails the test. */
export function refusalOf(run: () => unknown): SibylError {
  const error = thrownBy(run);
  if (error instanceof SibylError) return error;
  throw error;
}
