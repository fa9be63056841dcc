/**
 * Collected requests as JSON lines in Azure ML's collected-data shape (CloudEvents fields, `data`
 * rows, `correlationid`), grouped by the blob they go to and cut into append blocks of whole lines
 * (at most 4 MiB each). Pure work with no I/O, so it can run on a worker thread.
 *
 * @example const { batches } = encodeBatches(items, 'instance-1');
 */
import type { Collection } from '../api/schemas';
import type { NamedTensor } from '../scoring/datatypes';
import { tensorRowsJson, type Row } from './collectedRows';
import { hourFolder } from './collectionLayout';

/** What crossed the endpoint: decoded tensors (with the request's column names, if any) or rows as they were. */
export type CollectedPayload = { tensors: readonly NamedTensor[]; columns?: readonly string[] } | { rows: Row[] };

export interface CollectedItem {
  endpoint: string;
  deployment: string;
  datastore: string;
  collections: readonly Collection[];
  requestId: string;
  time: number;
  model_inputs: CollectedPayload;
  model_outputs: CollectedPayload;
}

export interface EncodedBlock {
  bytes: Uint8Array;
  lines: number;
}

export interface EncodedBatch {
  endpoint: string;
  deployment: string;
  datastore: string;
  /** Datastore-relative blob path. */
  path: string;
  blocks: EncodedBlock[];
  /** Lines past the block limit: they cannot be appended and are counted as dropped. */
  dropped: number;
}

/** Azure's limit for one append block. */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

function dataText(payload: CollectedPayload): string {
  return 'rows' in payload ? JSON.stringify(payload.rows) : tensorRowsJson(payload.tensors, payload.columns);
}

/** Line ids: unique per instance and line, cheaper than a UUID per line. */
let lineCounter = 0;

function lineOf(item: CollectedItem, collection: Collection, instance: string): string {
  const source = JSON.stringify(`/endpoints/${item.endpoint}/deployments/${item.deployment}`);
  const id = `${instance}-${(lineCounter++).toString(36)}`;
  const time = new Date(item.time).toISOString();
  // Field for field what JSON.stringify of the CloudEvents object would write, without building it.
  return (
    `{"specversion":"1.0","id":"${id}","source":${source},"type":"azureml.inference.${collection}",` +
    `"datacontenttype":"application/json","time":"${time}","data":${dataText(item[collection])},` +
    `"correlationid":${JSON.stringify(item.requestId)}}`
  );
}

function blocksOf(lines: readonly string[]): { blocks: EncodedBlock[]; dropped: number } {
  const blocks: EncodedBlock[] = [];
  let current: string[] = [];
  let size = 0;
  let dropped = 0;
  const close = () => {
    if (current.length > 0) blocks.push({ bytes: Buffer.from(`${current.join('\n')}\n`), lines: current.length });
    current = [];
    size = 0;
  };
  for (const line of lines) {
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > MAX_BLOCK_BYTES) {
      dropped++;
      continue;
    }
    if (size + bytes > MAX_BLOCK_BYTES) close();
    current.push(line);
    size += bytes;
  }
  close();
  return { blocks, dropped };
}

/** The items' lines, per blob (`<hour folder><instance>.jsonl`); a line that cannot be made is dropped and counted. */
export function encodeBatches(items: readonly CollectedItem[], instance: string): EncodedBatch[] {
  const groups = new Map<string, { batch: EncodedBatch; lines: string[] }>();
  for (const item of items) {
    for (const collection of item.collections) {
      const path = `${hourFolder(item.endpoint, item.deployment, collection, new Date(item.time))}${instance}.jsonl`;
      const key = `${item.datastore}|${path}`;
      let group = groups.get(key);
      if (!group)
        groups.set(
          key,
          (group = {
            batch: {
              endpoint: item.endpoint,
              deployment: item.deployment,
              datastore: item.datastore,
              path,
              blocks: [],
              dropped: 0,
            },
            lines: [],
          }),
        );
      try {
        group.lines.push(lineOf(item, collection, instance));
      } catch {
        group.batch.dropped++;
      }
    }
  }
  return [...groups.values()].map(({ batch, lines }) => {
    const { blocks, dropped } = blocksOf(lines);
    return { ...batch, blocks, dropped: batch.dropped + dropped };
  });
}
