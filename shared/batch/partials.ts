/**
 * Partial outputs: one blob per mini-batch (`sibyl-batch/{jobId}/partials/{index}.csv`), written by
 * its activity (a retry overwrites it) and read back in index order by the merge. Metadata carries
 * the rows scored, the output widths, and — for a byte range of a file, whose lines are
 * `row,<values>` with rows counted from the range's first line — the file's index and how many lines
 * the range held (failed ones included), so the next range knows where its rows start.
 */
import { jobBlobs, jobsContainer } from './jobStorage';

export interface PartialInfo {
  rows: number;
  /** Set when lines are `row,<values>` with rows counted from the range's first line. */
  rangeFile?: number;
  /** Lines in the range (scored and failed); set with `rangeFile`. */
  lines?: number;
  /** Values per row of each output. */
  widths?: number[];
}

export async function writePartial(jobId: string, index: number, text: string, info: PartialInfo): Promise<void> {
  const metadata: Record<string, string> = { rows: String(info.rows) };
  if (info.rangeFile !== undefined) metadata.rangefile = String(info.rangeFile);
  if (info.lines !== undefined) metadata.lines = String(info.lines);
  if (info.widths) metadata.widths = info.widths.join(',');
  await (await jobsContainer()).getBlockBlobClient(jobBlobs.partial(jobId, index)).uploadData(Buffer.from(text), { blobHTTPHeaders: { blobContentType: 'text/csv' }, metadata });
}

/** Every partial of a job in index order, with its metadata. */
export async function listPartials(jobId: string): Promise<({ name: string } & PartialInfo)[]> {
  const jobs = await jobsContainer();
  const partials: ({ name: string } & PartialInfo)[] = [];
  for await (const item of jobs.listBlobsFlat({ prefix: jobBlobs.partialsPrefix(jobId), includeMetadata: true })) {
    const meta = item.metadata ?? {};
    partials.push({
      name: item.name,
      rows: Number(meta.rows ?? 0),
      ...(meta.rangefile !== undefined ? { rangeFile: Number(meta.rangefile) } : {}),
      ...(meta.lines !== undefined ? { lines: Number(meta.lines) } : {}),
      ...(meta.widths ? { widths: meta.widths.split(',').map(Number) } : {}),
    });
  }
  return partials.sort((a, b) => (a.name < b.name ? -1 : 1));
}
