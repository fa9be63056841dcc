/** Shared helpers for the durable engine tests: temp data dirs, polling with deadlines, gates. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DurableEngine } from '../../../../emulator/durable/engine';
import type { DurableEngineOptions } from '../../../../emulator/durable/engine';

export function tempDir(prefix = 'sibyl-durable-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `condition` every few ms until it holds; fails with `what` after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise released by hand (to hold activities mid-flight). */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Counts calls per key. */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  hit(key: unknown): number {
    const k = String(key);
    const n = (this.counts.get(k) ?? 0) + 1;
    this.counts.set(k, n);
    return n;
  }
  get(key: unknown): number {
    return this.counts.get(String(key)) ?? 0;
  }
  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
  reset(): void {
    this.counts.clear();
  }
}

export interface EngineLogLine {
  level: string;
  message: string;
}

/** A started engine on `dataDir` that records its log lines. */
export async function startEngine(
  dataDir: string,
  options: Partial<DurableEngineOptions> = {},
): Promise<{ engine: DurableEngine; logs: EngineLogLine[] }> {
  const logs: EngineLogLine[] = [];
  const engine = new DurableEngine({
    dataDir,
    hubName: 'TestHub',
    maxConcurrentActivities: 8,
    maxConcurrentOrchestrations: 4,
    fsync: false,
    stopGraceMs: 100,
    log: (level, message) => logs.push({ level, message }),
    ...options,
  });
  await engine.start();
  return { engine, logs };
}

/**
 * An engine for the whole test file: started on a temp dir before its tests, stopped and removed after.
 * Call at the file's top level; the returned function gives the started engine.
 */
export function engineForFile(): () => DurableEngine {
  const tmp = tempDir();
  let engine: DurableEngine | undefined;
  beforeAll(async () => {
    ({ engine } = await startEngine(tmp.dir));
  });
  afterAll(async () => {
    await engine?.stop();
    tmp.cleanup();
  });
  return () => {
    if (!engine) throw new Error('The engine starts in beforeAll; use it inside a test.');
    return engine;
  };
}
