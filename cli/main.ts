/**
 * Entry point of `sibyl` (the package `bin` runs it through `bin/sibyl.js`): parses the command line,
 * runs the command, prints any failure as one line on stderr and sets the exit code
 * (0 ok, 1 API error, 2 usage error, 3 job Failed/Canceled; see `core/cliErrors.ts`).
 */
import { CommanderError } from 'commander';
import { createProgram } from './program';
import { describeFailure, EXIT } from './core/cliErrors';
import { writeErr } from './core/output';

/** Runs one command line (`argv` as in `process.argv`); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    // Commander has already printed its message (or the help); only the code is left to decide.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { line, exitCode } = describeFailure(error);
    writeErr(`sibyl: ${line}`);
    return exitCode;
  }
}

/** Runs `process.argv` and sets `process.exitCode` (letting stdout drain instead of exiting at once). */
export function run(): void {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
