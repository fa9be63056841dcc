/** Temporary folders that tests own: a fresh one per test, removed when the test ends. */
import * as fs from 'node:fs';
import { tempDir } from './hostProcess';

/** Registers a new empty folder (`sibyl-<prefix>-…`) for each test of the enclosing block; call the result for it. */
export function tempDirEachTest(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = tempDir(prefix);
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => dir!;
}
