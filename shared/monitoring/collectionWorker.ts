/**
 * Worker thread entry: turns collected requests into append blocks (collectedLines.ts) so the JSON
 * work never runs on the thread that answers scoring requests. Blocks come back transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { encodeBatches, type CollectedItem } from './collectedLines';

export interface EncodeRequest {
  id: number;
  items: CollectedItem[];
  instance: string;
}

parentPort?.on('message', (request: EncodeRequest) => {
  const batches = encodeBatches(request.items, request.instance);
  const transfer = batches.flatMap((b) => b.blocks.map((block) => block.bytes.buffer as ArrayBuffer));
  parentPort!.postMessage({ id: request.id, batches }, transfer);
});
