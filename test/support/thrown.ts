/** What a synchronous call throws, for tests that look inside the error; returning normally fails the test. */
import { SibylError } from '../../shared/errors';

export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** The `SibylError` a synchronous call is refused with; any other error, or none, fails the test. */
export function refusalOf(run: () => unknown): SibylError {
  const error = thrownBy(run);
  if (error instanceof SibylError) return error;
  throw error;
}
