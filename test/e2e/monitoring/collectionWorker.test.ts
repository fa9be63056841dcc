/**
 * The compiled collection encoder (dist/, as the host runs it) makes its lines on a worker thread: the
 * lines are those this thread would make, the worker thread alone runs at a lower CPU priority, and it
 * never keeps a process alive that is done.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/hostProcess';

const ENCODER = path.join(REPO_ROOT, 'dist', 'shared', 'monitoring', 'collectionEncoder.js');
const LINES = path.join(REPO_ROOT, 'dist', 'shared', 'monitoring', 'collectedLines.js');

/** Encodes 50 requests through the worker and on this thread, prints both, then simply ends. */
const SCRIPT = `
const { encodeCollected } = require(${JSON.stringify(ENCODER)});
const { encodeBatches } = require(${JSON.stringify(LINES)});
const items = Array.from({ length: 50 }, (_, i) => ({
  endpoint: 'iris', deployment: 'blue', datastore: 'workspaceblobstore',
  collections: ['model_inputs', 'model_outputs'], requestId: 'req-' + i, time: Date.UTC(2026, 0, 2, 3),
  model_inputs: { tensors: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: new Float32Array(6).fill(i) }] },
  model_outputs: { tensors: [{ name: 'y', datatype: 'INT64', shape: [2], data: new BigInt64Array([1n, BigInt(i)]) }] },
}));
const text = (batches) => batches.map((b) => b.path + ':' + b.blocks.map((k) => Buffer.from(k.bytes).toString()).join(''));
// Line ids differ between the two encodings (a counter): compare the rest.
const strip = (xs) => xs.map((x) => x.replace(/"id":"[^"]*"/g, ''));
// Each thread's nice value (field 19 of /proc/<pid>/task/<tid>/stat), the main thread's first.
const nice = () => require('node:fs').readdirSync('/proc/self/task').sort((x, y) => x - y).map((tid) => {
  const stat = require('node:fs').readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
});
encodeCollected(items, 'inst').then((viaWorker) => {
  const here = strip(text(encodeBatches(items, 'inst')));
  process.stdout.write(JSON.stringify({ worker: strip(text(viaWorker)), here, nice: nice() }));
});
`;

describe('collection worker (compiled)', () => {
  it('encodes as this thread would, and lets the process end', () => {
    const run = spawnSync(process.execPath, ['-e', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
    // A worker that held the process would run into the timeout (signal set, no status).
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    const { worker, here, nice } = JSON.parse(run.stdout) as { worker: string[]; here: string[]; nice: number[] };
    expect(worker).toEqual(here);
    expect(worker.join('\n').match(/"correlationid"/g)).toHaveLength(100);
    // The main thread keeps its priority; the encoder alone runs at nice 10 (unless all already run lower).
    const main = nice[0]!;
    expect(nice.filter((n) => n !== main)).toEqual(main < 10 ? [10] : []);
  });
});
