/** Collected lines: Azure ML's line shape, one blob per hour folder, blocks of whole lines under 4 MiB. */
import { encodeBatches, MAX_BLOCK_BYTES, type CollectedItem } from '../../../shared/monitoring/collectedLines';

const item = (i: number, rows: { text: string }[], time = Date.UTC(2026, 0, 2, 3, 4, 5)): CollectedItem => ({
  endpoint: 'iris',
  deployment: 'blue',
  datastore: 'workspaceblobstore',
  collections: ['model_inputs', 'model_outputs'],
  requestId: `req-${i}`,
  time,
  model_inputs: { rows },
  model_outputs: { tensors: [{ name: 'y', datatype: 'FP32', shape: [1], data: new Float32Array([i]) }] },
});

const linesOf = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('collected lines', () => {
  it('writes one line per request and collection, in the hour folder of the request', () => {
    const batches = encodeBatches(
      [item(1, [{ text: 'a' }]), item(2, [{ text: 'b' }], Date.UTC(2026, 0, 2, 4))],
      'inst',
    );
    expect(batches.map((b) => b.path).sort()).toEqual([
      'iris/blue/model_inputs/2026/01/02/03/inst.jsonl',
      'iris/blue/model_inputs/2026/01/02/04/inst.jsonl',
      'iris/blue/model_outputs/2026/01/02/03/inst.jsonl',
      'iris/blue/model_outputs/2026/01/02/04/inst.jsonl',
    ]);
    const inputs = linesOf(batches.find((b) => b.path.includes('model_inputs/2026/01/02/03'))!.blocks[0]!.bytes);
    expect(inputs).toEqual([
      {
        specversion: '1.0',
        id: expect.any(String),
        source: '/endpoints/iris/deployments/blue',
        type: 'azureml.inference.model_inputs',
        datacontenttype: 'application/json',
        time: '2026-01-02T03:04:05.000Z',
        data: [{ text: 'a' }],
        correlationid: 'req-1',
      },
    ]);
    expect(
      linesOf(batches.find((b) => b.path.includes('model_outputs/2026/01/02/03'))!.blocks[0]!.bytes)[0],
    ).toMatchObject({ data: [{ y: 1 }], correlationid: 'req-1' });
  });

  it('cuts blocks at line ends under 4 MiB, keeps every line once, and drops (counts) a line too big for any block', () => {
    const big = 'x'.repeat(1024 * 1024);
    const items = Array.from({ length: 10 }, (_, i) => item(i, [{ text: big }]));
    items.push(item(99, [{ text: 'y'.repeat(MAX_BLOCK_BYTES) }]));
    const inputs = encodeBatches(items, 'inst').find((b) => b.path.includes('model_inputs'))!;
    expect(inputs.dropped).toBe(1);
    expect(inputs.blocks.length).toBeGreaterThan(2);
    for (const block of inputs.blocks) expect(block.bytes.length).toBeLessThanOrEqual(MAX_BLOCK_BYTES);
    const ids = inputs.blocks.flatMap((b) => linesOf(b.bytes).map((l) => l.correlationid));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `req-${i}`));
    expect(inputs.blocks.reduce((n, b) => n + b.lines, 0)).toBe(10);
  });
});
