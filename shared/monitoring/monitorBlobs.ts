/**
 * Sibyl's own blobs for monitor runs, in container `sibyl-monitoring`: one partial sketch per part,
 * named by run and part index, so a retried activity overwrites what an earlier attempt wrote.
 */
import { ownContainer } from '../storage/blobService';
import type { SketchesJson } from './featureSketches';

export const MONITORING_CONTAINER = 'sibyl-monitoring';

/** The container, created on first use. */
const container = ownContainer(MONITORING_CONTAINER);

const partName = (runId: string, index: number) => `${runId}/parts/${String(index).padStart(6, '0')}.json`;

export async function writePartSketches(runId: string, index: number, sketches: SketchesJson): Promise<void> {
  const body = Buffer.from(JSON.stringify(sketches));
  await (
    await container()
  )
    .getBlockBlobClient(partName(runId, index))
    .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

export async function readPartSketches(runId: string, index: number): Promise<SketchesJson> {
  const bytes = await (await container()).getBlobClient(partName(runId, index)).downloadToBuffer();
  return JSON.parse(bytes.toString('utf8')) as SketchesJson;
}
