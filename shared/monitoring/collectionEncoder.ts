/**
 * Runs `encodeBatches` on a worker thread (started on first use, holding the process only while it
 * owes answers), or on this thread where there is no compiled worker (tests through ts-jest) or the worker
 * failed. The answers are the same either way.
 *
 * @example const batches = await encodeCollected(items, instance);
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeBatches, type CollectedItem, type EncodedBatch } from './collectedLines';
import type { EncodeRequest } from './collectionWorker';

const WORKER_FILE = path.join(__dirname, 'collectionWorker.js');

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (batches: EncodedBatch[] | undefined) => void>();

function failAll(): void {
  worker = undefined;
  for (const resolve of waiting.values()) resolve(undefined);
  waiting.clear();
}

function startWorker(): Worker | undefined {
  if (worker) return worker;
  if (!fs.existsSync(WORKER_FILE)) return undefined;
  try {
    const started = new Worker(WORKER_FILE);
    started.on('message', (answer: { id: number; batches: EncodedBatch[] }) => {
      waiting.get(answer.id)?.(
        answer.batches.map((b) => ({
          ...b,
          blocks: b.blocks.map((k) => ({ lines: k.lines, bytes: new Uint8Array(k.bytes) })),
        })),
      );
      waiting.delete(answer.id);
      if (waiting.size === 0) started.unref();
    });
    started.on('error', failAll);
    started.on('exit', failAll);
    // Held only while it owes answers (adding a 'message' listener refs it, so this comes after): an idle
    // worker never keeps a finished process alive, and a process never ends with lines still being made.
    started.unref();
    worker = started;
    return worker;
  } catch {
    return undefined;
  }
}

export async function encodeCollected(items: CollectedItem[], instance: string): Promise<EncodedBatch[]> {
  const thread = startWorker();
  if (thread) {
    const id = nextId++;
    const answer = new Promise<EncodedBatch[] | undefined>((resolve) => waiting.set(id, resolve));
    try {
      thread.ref();
      thread.postMessage({ id, items, instance } satisfies EncodeRequest);
      const batches = await answer;
      if (batches) return batches;
    } catch {
      waiting.delete(id);
      if (waiting.size === 0) thread.unref();
    }
  }
  return encodeBatches(items, instance);
}
