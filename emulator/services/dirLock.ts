/**
 * A pid lock file: keeps two live processes from writing the same data folder. A lock left by a
 * process that no longer runs (a crash) is taken over.
 */
import * as fs from 'node:fs';

export interface DirLock {
  release(): void;
}

/** Whether process `pid` runs (on this machine), whoever owns it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `file` holding our pid, or throws naming the live process that holds it. */
export function acquireDirLock(file: string, what: string): DirLock {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    if (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder)) {
      const who = holder === process.pid ? 'this process (another server is still open on it)' : `process ${holder}`;
      throw new Error(
        `${what} in ${file.replace(/[/\\]LOCK$/, '')} is in use by ${who}. Stop it, or use another data folder (SIBYL_DATA_DIR).`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}.`);
}
