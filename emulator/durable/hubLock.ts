/**
 * One engine per task hub directory: two emulators sharing `.sibyl/durable/<hub>` would run the same
 * instances twice and interleave their journals. The lock file holds the owner's pid; a lock left by
 * a dead process (a crash) is taken over, and so is one held by this same process (in-process
 * restarts, tests).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isAlive } from '../services/dirLock';

export class HubLock {
  private readonly file: string;

  constructor(root: string) {
    this.file = path.join(root, 'engine.lock');
  }

  /** Takes the lock; throws when another live process holds it. */
  async acquire(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const holder = Number.parseInt((await fs.readFile(this.file, 'utf8').catch(() => '')).trim(), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The durable task hub at ${path.dirname(this.file)} is in use by process ${holder}. ` +
          'Stop that emulator or use another data directory.',
      );
    }
    await fs.writeFile(this.file, String(process.pid));
  }

  async release(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}
