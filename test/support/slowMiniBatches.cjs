// @ts-check
/**
 * Preloaded into the local host by tests that crash, cancel or time out a batch job while a mini-batch is
 * in flight (`startHost({ slowMiniBatches })` runs the host with `node --require` this file, which Node
 * also runs in the host's activity worker threads). It plays slow Blob Storage: the write that ends a
 * mini-batch, its marker `{jobId}/partials/{index}.csv`, waits before it is sent, so from outside the
 * mini-batch is still running, and a wait longer than `retry.timeoutSeconds` times the try out.
 *
 * `TEST_SLOW_MINI_BATCHES` (JSON): `everyMs` delays every mini-batch; `once: {index, ms}` delays the first
 * try of mini-batch `index` of each job only; `stateDir` records which firsts were taken, so "once" holds
 * across worker threads and host restarts.
 */
const fs = require('node:fs');
const path = require('node:path');
const { BlockBlobClient } = require('@azure/storage-blob');

/** @type {{ everyMs?: number, once?: { index: number, ms: number }, stateDir: string }} */
const slow = JSON.parse(process.env.TEST_SLOW_MINI_BATCHES ?? 'null');
if (!slow) throw new Error('slowMiniBatches.cjs is preloaded without TEST_SLOW_MINI_BATCHES.');
fs.mkdirSync(slow.stateDir, { recursive: true });

const MARKER = /^(.+)\/partials\/(\d+)\.csv$/;

/** Whether this is the first try of mini-batch `index` of `jobId`; mkdir is atomic across threads. */
function firstTry(jobId, index) {
  try {
    fs.mkdirSync(path.join(slow.stateDir, `${encodeURIComponent(jobId)}.${index}`));
    return true;
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EEXIST') return false;
    throw error;
  }
}

/** How long the marker write of `blobName` waits (0 for any other blob). */
function delayOf(blobName) {
  const match = MARKER.exec(blobName);
  if (!match) return 0;
  const index = Number(match[2]);
  let ms = slow.everyMs ?? 0;
  if (slow.once && slow.once.index === index && firstTry(match[1], index)) ms += slow.once.ms;
  return ms;
}

const uploadData = BlockBlobClient.prototype.uploadData;
BlockBlobClient.prototype.uploadData = async function (...args) {
  const ms = delayOf(this.name);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  return uploadData.apply(this, args);
};
