/**
 * The CLI's failures and the exit code each one means. `main` turns anything thrown into one line
 * on stderr and the code below; scripts switch on the code, people read the line.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | the API (or storage) answered an error, or could not be reached |
 * | 2 | usage error: bad arguments, unreadable file, not logged in |
 * | 3 | a job or run ended `Failed` or `Canceled` |
 */
import { ApiError, type ApiErrorDetail } from '../../shared/portable/apiClient';

export const EXIT = Object.freeze({ ok: 0, api: 1, usage: 2, jobFailed: 3 });

/** Bad arguments or local input the user can fix before anything is sent. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  override readonly name = 'UsageError';
}

/**
 * The API answered non-2xx (or could not be reached: `status` 0): the shared client's error
 * (shared/portable/apiClient.ts), exit code 1.
 */
export { ApiError, type ApiErrorDetail };

/** A job or run the user waited for ended `Failed` or `Canceled`. */
export class JobOutcomeError extends Error {
  readonly exitCode = EXIT.jobFailed;
  override readonly name = 'JobOutcomeError';
}

/** The one line printed for a failure (without the `sibyl: ` prefix). */
export function describeFailure(error: unknown): { line: string; exitCode: number } {
  if (error instanceof ApiError) {
    const where = error.status > 0 ? ` (HTTP ${error.status})` : '';
    const details = error.details.length
      ? ` [${error.details.map((d) => (d.target ? `${d.target}: ${d.message}` : d.message)).join('; ')}]`
      : '';
    const code = error.code.startsWith('HTTP ') ? error.code : `${error.code}${where}`;
    return { line: `error ${code}: ${oneLine(error.message)}${details}`, exitCode: EXIT.api };
  }
  if (error instanceof UsageError || error instanceof JobOutcomeError)
    return { line: `error: ${oneLine(error.message)}`, exitCode: error.exitCode };
  // Anything else is a bug in the CLI; still one line, but say so.
  return {
    line: `unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}`,
    exitCode: EXIT.api,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
