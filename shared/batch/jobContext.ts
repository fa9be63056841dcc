/**
 * Everything an activity needs to know about a job, written once at submit time to
 * `sibyl-batch/{jobId}/job.json` and cached per instance (it never changes), so activity inputs stay
 * a job id and a mini-batch index. Also the shapes of the plan: input files and mini-batches.
 */
import type { DatastoreLocation } from '../datastores/datastorePaths';
import type { ModelSignature } from '../scoring/datatypes';
import type { CellKey, ColumnLayout } from './columnLayout';
import type { InputFile } from './inputListing';
import { JsonCache, jobBlobs, readJobJson, writeJobJson } from './jobStorage';
import type { JobSettings } from './jobSettings';
import type { ScoringTarget } from './scoringTarget';

export interface JobContext {
  jobId: string;
  settings: JobSettings;
  target: ScoringTarget;
  signature: ModelSignature;
  input: DatastoreLocation;
  /** The output datastore and the path of `predictions.csv` (or `summary.json`) in it. */
  output: DatastoreLocation & { path: string };
  /** JSONL object lines: where each cell comes from and how cells fill inputs (bound from the first line of the first file). */
  jsonlObjects?: { keys: CellKey[]; layout: ColumnLayout };
}

/**
 * One unit of work: whole files; `rows` lines of a CSV/JSONL file, the first at byte `start` and data
 * row `firstRow` (1-based), ending at byte `end` (`midFile`: the range does not begin where the file's
 * data does); or rows `[rowStart, rowEnd)` of a Parquet file (0-based, inside one row group).
 */
export type MiniBatch =
  | { kind: 'files'; files: number[] }
  | { kind: 'lines'; file: number; start: number; end: number; midFile: boolean; firstRow: number; rows: number }
  | { kind: 'parquet'; file: number; rowStart: number; rowEnd: number };

const contexts = new JsonCache<JobContext>(32);
const fileLists = new JsonCache<InputFile[]>(8);

const contextBlob = (jobId: string) => `${jobId}/job.json`;

export function saveJobContext(context: JobContext): Promise<void> {
  return writeJobJson(contextBlob(context.jobId), context);
}

export function loadJobContext(jobId: string): Promise<JobContext> {
  return contexts.get(contextBlob(jobId), () => readJobJson<JobContext>(contextBlob(jobId)));
}

export function loadInputFiles(jobId: string): Promise<InputFile[]> {
  return fileLists.get(jobBlobs.files(jobId));
}
