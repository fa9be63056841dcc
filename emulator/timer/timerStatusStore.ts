/**
 * Where monitored timers keep `{Last, Next, LastUpdated}` between runs of the emulator:
 * `<dataDir>/timers/<function>.json` (the host keeps the same record in a blob,
 * `azure-webjobs-hosts/timers/<hostId>/<function>/status`).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readScheduleStatus, type ScheduleStatus } from './timerDecisions';

export class TimerStatusStore {
  readonly directory: string;

  constructor(dataDir: string) {
    this.directory = path.join(dataDir, 'timers');
  }

  /** The file of one function's status (names outside `[A-Za-z0-9._-]` are escaped). */
  fileOf(functionName: string): string {
    return path.join(
      this.directory,
      `${functionName.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}.json`,
    );
  }

  /** The stored status, `undefined` if none; throws when the file exists but is not a status. */
  async read(functionName: string): Promise<ScheduleStatus | undefined> {
    const file = this.fileOf(functionName);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const status = readScheduleStatus(parsed);
    if (!status) throw new Error(`${file} is not a timer status ({Last, Next, LastUpdated} ISO timestamps).`);
    return status;
  }

  /** Writes the status atomically (temporary file, then rename), so a crash never leaves half a file. */
  async write(functionName: string, status: ScheduleStatus): Promise<void> {
    const file = this.fileOf(functionName);
    await fs.mkdir(this.directory, { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    try {
      await fs.writeFile(temporary, `${JSON.stringify(status, null, 2)}\n`);
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }
}
