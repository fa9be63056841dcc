/**
 * Worker thread entry: turns collected requests into append blocks (collectedLines.ts) so the JSON
 * work never runs on the thread that answers scoring requests. Blocks come back transferred, not copied.
 *
 * The thread also runs at a lower CPU priority than the rest of the process (Linux's nice value is per
 * thread): where cores are short, scoring goes first and this work waits. Its queue is bounded
 * (dataCollector.ts), so falling behind drops and counts collected requests rather than slowing answers.
 */
import * as os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { encodeBatches, type CollectedItem } from './collectedLines';

export interface EncodeRequest {
  id: number;
  items: CollectedItem[];
  instance: string;
}

/** Nice 10: a CPU weight about a tenth of a default thread's, yet enough to keep up on a busy host. */
const BACKGROUND_NICE = 10;

// On Linux pid 0 is the calling thread alone; elsewhere it would be the whole process, so leave it be.
if (process.platform === 'linux') {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), BACKGROUND_NICE));
  } catch {
    // Not permitted here: encoding still runs off the request thread, at the same priority.
  }
}

parentPort?.on('message', (request: EncodeRequest) => {
  const batches = encodeBatches(request.items, request.instance);
  const transfer = batches.flatMap((b) => b.blocks.map((block) => block.bytes.buffer as ArrayBuffer));
  parentPort!.postMessage({ id: request.id, batches }, transfer);
});
