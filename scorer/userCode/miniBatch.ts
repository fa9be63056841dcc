/**
 * `POST /batch` bodies: files (`{"files":[{"name","contentBase64"}]}`, written into a fresh temp folder
 * and passed to `run(mini_batch)` as local paths) or rows (`{"columns":[…],"rows":[[…]]}`, passed as
 * `{column: value}` objects), and the check that `run` returned exactly one result per input.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SibylError } from '../../shared/errors';
import type { MiniBatch } from './userCodeBackend';

/** A file name that stays inside the temp folder: no separators, no `.`/`..`, no control characters. */
function plainFileName(name: unknown): name is string {
  if (typeof name !== 'string' || !name.length || name.length > 255 || name === '.' || name === '..') return false;
  return ![...name].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 32);
}

export interface PreparedBatch {
  miniBatch: MiniBatch;
  inputs: number;
  /** Deletes the temp folder (files only). */
  cleanUp(): Promise<void>;
}

function invalid(message: string): SibylError {
  return new SibylError('InvalidInput', message);
}

export async function prepareBatch(raw: Buffer): Promise<PreparedBatch> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid('The mini-batch is not valid JSON.');
  }
  const shape = 'A mini-batch is {"files":[{"name","contentBase64"}]} or {"columns":[...],"rows":[[...]]}.';
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid(shape);
  const { files, columns, rows } = body as { files?: unknown; columns?: unknown; rows?: unknown };
  if (files !== undefined) return writeFiles(files, shape);
  if (rows === undefined || columns === undefined) throw invalid(shape);
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))
    throw invalid('"columns" must be an array of column names.');
  if (!Array.isArray(rows)) throw invalid('"rows" must be an array of rows.');
  const objects = rows.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== columns.length)
      throw invalid(`Row ${i} must be an array of ${columns.length} values, one per column.`);
    return Object.fromEntries(columns.map((c: string, j) => [c, row[j] as unknown]));
  });
  return { miniBatch: { rows: objects }, inputs: objects.length, cleanUp: () => Promise.resolve() };
}

async function writeFiles(files: unknown, shape: string): Promise<PreparedBatch> {
  if (!Array.isArray(files)) throw invalid(shape);
  const names = new Set<string>();
  const contents = files.map((file: unknown, i) => {
    const { name, contentBase64 } = (file ?? {}) as { name?: unknown; contentBase64?: unknown };
    if (!plainFileName(name))
      throw invalid(`File ${i} needs a plain file name (no folders), got ${JSON.stringify(name)}.`);
    if (names.has(name)) throw invalid(`The file name '${name}' appears twice in the mini-batch.`);
    names.add(name);
    if (typeof contentBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(contentBase64))
      throw invalid(`File '${name}' needs its content as base64 in "contentBase64".`);
    return { name, bytes: Buffer.from(contentBase64, 'base64') };
  });
  const folder = await mkdtemp(join(tmpdir(), 'sibyl-batch-'));
  const cleanUp = () => rm(folder, { recursive: true, force: true });
  try {
    const paths: string[] = [];
    for (const { name, bytes } of contents) {
      const path = join(folder, name);
      await writeFile(path, bytes);
      paths.push(path);
    }
    return { miniBatch: { files: paths }, inputs: paths.length, cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Why `results` is not one result per input, or undefined when it is. */
export function resultsProblem(results: unknown, inputs: number): string | undefined {
  if (!Array.isArray(results)) {
    const what = results === null ? 'null' : typeof results;
    return `run(mini_batch) must return a list with one result per input; it returned ${what}.`;
  }
  if (results.length !== inputs)
    return `run(mini_batch) returned ${results.length} results for ${inputs} inputs; it must return one per input.`;
  return undefined;
}
