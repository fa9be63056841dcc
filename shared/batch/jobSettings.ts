/**
 * A batch job spec with every default filled in (Azure ML's batch deployment defaults: 10 files per
 * mini-batch, 3 retries, 30 s per try, error threshold -1, `append_row` to `predictions.csv`).
 *
 * @example const settings = jobSettings(spec); settings.retry.timeoutSeconds === 30
 */
import type { BatchJobSpec } from '../api/schemas';

export type InputFormat = 'csv' | 'jsonl' | 'parquet';

export interface JobSettings {
  /** `endpoint/deployment` or undefined. */
  deployment?: string;
  /** `name:version` / `name@alias` or undefined. */
  model?: string;
  input: { datastore: string; path: string; format: InputFormat };
  output: { datastore: string; path: string; fileName: string };
  /** Exactly one of `files` / `rows` (rows win when both are given: files are then split by rows). */
  miniBatch: { files: number; rows?: undefined } | { rows: number; files?: undefined };
  maxConcurrency: number;
  errorThreshold: number;
  retry: { maxRetries: number; timeoutSeconds: number };
  outputAction: 'append_row' | 'summary_only';
  experiment?: string;
}

export const DEFAULTS = {
  files: 10,
  maxConcurrency: 4,
  errorThreshold: -1,
  maxRetries: 3,
  timeoutSeconds: 30,
  fileName: 'predictions.csv',
} as const;

export function jobSettings(spec: BatchJobSpec): JobSettings {
  const rows = spec.miniBatchSize?.rows;
  return {
    ...(spec.deployment ? { deployment: spec.deployment } : {}),
    ...(spec.model ? { model: spec.model } : {}),
    input: { datastore: spec.input.datastore, path: spec.input.path, format: spec.input.format },
    output: {
      datastore: spec.output.datastore,
      path: spec.output.path,
      fileName: spec.output.fileName ?? DEFAULTS.fileName,
    },
    miniBatch: rows !== undefined ? { rows } : { files: spec.miniBatchSize?.files ?? DEFAULTS.files },
    maxConcurrency: spec.maxConcurrency ?? DEFAULTS.maxConcurrency,
    errorThreshold: spec.errorThreshold ?? DEFAULTS.errorThreshold,
    retry: {
      maxRetries: spec.retry?.maxRetries ?? DEFAULTS.maxRetries,
      timeoutSeconds: spec.retry?.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
    },
    outputAction: spec.outputAction ?? 'append_row',
    ...(spec.experiment ? { experiment: spec.experiment } : {}),
  };
}

/** The datastore path of the output file (`append_row`) or summary (`summary_only`). */
export function outputPathOf(settings: JobSettings): string {
  const folder = settings.output.path.replace(/^\/+/, '').replace(/\/+$/, '');
  const name = settings.outputAction === 'append_row' ? settings.output.fileName : 'summary.json';
  return folder ? `${folder}/${name}` : name;
}

/** Flat run parameters (the run page shows them; values are strings, numbers or booleans). */
export function runParameters(settings: JobSettings): Record<string, string | number | boolean> {
  return {
    ...(settings.deployment ? { deployment: settings.deployment } : {}),
    ...(settings.model ? { model: settings.model } : {}),
    inputDatastore: settings.input.datastore,
    inputPath: settings.input.path,
    inputFormat: settings.input.format,
    outputDatastore: settings.output.datastore,
    outputPath: settings.output.path,
    ...(settings.miniBatch.rows !== undefined
      ? { miniBatchRows: settings.miniBatch.rows }
      : { miniBatchFiles: settings.miniBatch.files }),
    maxConcurrency: settings.maxConcurrency,
    errorThreshold: settings.errorThreshold,
    maxRetries: settings.retry.maxRetries,
    timeoutSeconds: settings.retry.timeoutSeconds,
    outputAction: settings.outputAction,
  };
}
