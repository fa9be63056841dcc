/**
 * The plan of a job in blobs: mini-batch descriptors in parts of {@link PLAN_PART_SIZE}, so an
 * activity finds its own with one small (cached) read.
 */
import type { MiniBatch } from './jobContext';
import { JsonCache, PLAN_PART_SIZE, jobBlobs, writeJobJson } from './jobStorage';

const parts = new JsonCache<MiniBatch[]>(64);

/** Runs `work` over `items` with at most `limit` at once. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export async function writePlan(jobId: string, miniBatches: readonly MiniBatch[]): Promise<void> {
  const count = Math.ceil(miniBatches.length / PLAN_PART_SIZE);
  const partIndexes = Array.from({ length: count }, (_, i) => i);
  await forEachLimited(partIndexes, 8, (part) =>
    writeJobJson(jobBlobs.planPart(jobId, part), miniBatches.slice(part * PLAN_PART_SIZE, (part + 1) * PLAN_PART_SIZE)),
  );
}

export async function readMiniBatch(jobId: string, index: number): Promise<MiniBatch> {
  const part = await parts.get(jobBlobs.planPart(jobId, Math.floor(index / PLAN_PART_SIZE)));
  const miniBatch = part[index % PLAN_PART_SIZE];
  if (!miniBatch) throw new Error(`Job '${jobId}' has no mini-batch ${index}.`);
  return miniBatch;
}
