/**
 * An append-only JSON-lines file with group commit: records appended while a write is in flight
 * share the next write and fsync, so thousands of activity completions cost a few syncs, not
 * thousands. A record is durable when its `append` resolves. A torn tail (crash mid-write) is cut
 * off when the file is read back.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './atomicFile';

type Op = { kind: 'line'; text: string } | { kind: 'replace'; text: string };

interface Pending {
  op: Op;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface JournalReadResult<T> {
  records: T[];
  /** Bytes dropped from the end (a torn or corrupt tail). */
  droppedBytes: number;
}

export class JournalClosedError extends Error {
  constructor(file: string) {
    super(`The journal ${file} is closed.`);
    this.name = 'JournalClosedError';
  }
}

export class Journal {
  private queue: Pending[] = [];
  private pumping: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly durable = true,
  ) {}

  /** Appends one record; resolves once it is on disk. */
  append(record: unknown): Promise<void> {
    return this.enqueue({ kind: 'line', text: `${JSON.stringify(record)}\n` });
  }

  /** Atomically replaces the whole file with `records` (ordered after earlier appends). */
  replace(records: readonly unknown[]): Promise<void> {
    return this.enqueue({ kind: 'replace', text: records.map((r) => `${JSON.stringify(r)}\n`).join('') });
  }

  /** Waits for queued writes, then refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pumping) await this.pumping;
  }

  /** Drops queued writes without writing them (a simulated crash). */
  abandon(): void {
    this.closed = true;
    const dropped = this.queue.splice(0);
    for (const p of dropped) p.reject(new JournalClosedError(this.file));
  }

  private enqueue(op: Op): Promise<void> {
    if (this.closed) return Promise.reject(new JournalClosedError(this.file));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.startPump();
    });
  }

  private startPump(): void {
    if (this.pumping) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      // Records queued between the loop's last check and here still need a writer.
      if (this.queue.length > 0) this.startPump();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const first = this.queue[0]!;
      let batch: Pending[];
      if (first.op.kind === 'replace') batch = this.queue.splice(0, 1);
      else {
        const end = this.queue.findIndex((p) => p.op.kind !== 'line');
        batch = this.queue.splice(0, end < 0 ? this.queue.length : end);
      }
      try {
        if (first.op.kind === 'replace') await writeFileAtomic(this.file, first.op.text, this.durable);
        else await this.appendText(batch.map((p) => p.op.text).join(''));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  }

  private async appendText(text: string): Promise<void> {
    const handle = await fs.open(this.file, 'a');
    try {
      await handle.writeFile(text);
      if (this.durable) await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Reads every complete record. Stops at the first line that is incomplete or not JSON and, when
   * `repair` is set, truncates the file there so later appends start on a clean line.
   */
  static async read<T>(file: string, repair = true): Promise<JournalReadResult<T>> {
    const buffer = await fs.readFile(file);
    const records: T[] = [];
    let offset = 0;
    while (offset < buffer.length) {
      const newline = buffer.indexOf(0x0a, offset);
      if (newline < 0) break;
      const line = buffer.subarray(offset, newline).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        break;
      }
      if (typeof parsed !== 'object' || parsed === null) break;
      records.push(parsed as T);
      offset = newline + 1;
    }
    const droppedBytes = buffer.length - offset;
    if (droppedBytes > 0 && repair) await fs.truncate(file, offset);
    return { records, droppedBytes };
  }

  /** Reads only the first record (cheap check of which execution a journal holds). */
  static async readFirst<T>(file: string): Promise<T | undefined> {
    const handle = await fs.open(file, 'r');
    try {
      const chunks: Buffer[] = [];
      let position = 0;
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) return undefined;
        const part = chunk.subarray(0, bytesRead);
        const newline = part.indexOf(0x0a);
        chunks.push(newline < 0 ? part : part.subarray(0, newline));
        if (newline >= 0) return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
        position += bytesRead;
      }
    } catch {
      return undefined;
    } finally {
      await handle.close();
    }
  }
}
