/**
 * Where collected data lies in its datastore, in Azure ML's layout:
 * `<endpoint>/<deployment>/<collection>/YYYY/MM/DD/HH/<file>.jsonl` (UTC hour of the request).
 *
 * @example hourFolder('iris', 'blue', 'model_inputs', new Date('2026-01-02T03:04:05Z')) === 'iris/blue/model_inputs/2026/01/02/03/'
 */
import type { Collection } from '../api/schemas';

const two = (n: number) => String(n).padStart(2, '0');

/** The datastore-relative folder of one hour of one collection. */
export function hourFolder(endpoint: string, deployment: string, collection: Collection, time: Date): string {
  const date = `${time.getUTCFullYear()}/${two(time.getUTCMonth() + 1)}/${two(time.getUTCDate())}/${two(time.getUTCHours())}`;
  return `${endpoint}/${deployment}/${collection}/${date}/`;
}

/** The hour folders a window `[start, end)` touches, oldest first. */
export function windowHourFolders(
  endpoint: string,
  deployment: string,
  collection: Collection,
  start: Date,
  end: Date,
): string[] {
  const folders: string[] = [];
  const first = Math.floor(start.getTime() / 3_600_000) * 3_600_000;
  for (let t = first; t < end.getTime(); t += 3_600_000)
    folders.push(hourFolder(endpoint, deployment, collection, new Date(t)));
  return folders;
}
