import { SibylError } from '../../../shared/errors';
import { fromOipTensors, toOipTensors } from '../../../shared/scoring/codecs/oipCodec';
import { Caller, score, type ScoringTarget } from '../../../shared/scoring/dataPlane';
import type { ModelSignature, NamedTensor } from '../../../shared/scoring/datatypes';
import { azureMlProtocol } from '../../../shared/scoring/protocols/azureMlProtocol';
import { oipProtocol } from '../../../shared/scoring/protocols/oipProtocol';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [
    { name: 'y', datatype: 'FP32', shape: [-1] },
    { name: 'z', datatype: 'INT64', shape: [-1] },
  ],
};

/** Sums each row into `y` and counts it into `z`. */
const target: ScoringTarget = {
  signature,
  score(inputs: NamedTensor[]) {
    const x = inputs[0]!.data as Float32Array;
    const rows = inputs[0]!.shape[0]!;
    const y = Float32Array.from({ length: rows }, (_, r) => x[2 * r]! + x[2 * r + 1]!);
    const z = BigInt64Array.from({ length: rows }, () => 2n);
    return Promise.resolve([
      { name: 'y', datatype: 'FP32', shape: [rows], data: y },
      { name: 'z', datatype: 'INT64', shape: [rows], data: z },
    ]);
  },
};

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const names = { modelName: 'm', modelVersion: 'blue', id: 'req-1' };
const limits = { maxElements: 1000 };

function watcher() {
  const seen = { records: [] as boolean[], decoded: 0, scored: [] as unknown[] };
  const watch = {
    record: (_ms: number, failed: boolean) => seen.records.push(failed),
    decoded: () => seen.decoded++,
    scored: (_inputs: NamedTensor[], _outputs: NamedTensor[], parsed: unknown) => seen.scored.push(parsed),
  };
  return { seen, watch };
}

describe('the data plane', () => {
  it('scores one Azure ML body and one OIP body on the same target', async () => {
    const ml = await score(target, azureMlProtocol, { bytes: bytes({ data: [[1, 2]] }) }, names, limits);
    expect(ml.answer).toEqual({ y: [3], z: [2] });
    const oip = await score(
      target,
      oipProtocol,
      {
        bytes: bytes({
          inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }],
          outputs: [{ name: 'y' }],
        }),
      },
      names,
      limits,
    );
    expect(oip.answer.json).toEqual({
      model_name: 'm',
      model_version: 'blue',
      id: 'req-1',
      outputs: [{ name: 'y', shape: [1], datatype: 'FP32', data: [3] }],
    });
    expect(oip.answer.binary).toBeUndefined();
  });

  it('decodes the common OIP body from its bytes and answers as the JSON path does, in text and objects', async () => {
    const body = { id: 'r7', inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2.5, -3, 0.1] }] };
    const parsed = oipProtocol.parse({ bytes: bytes(body) }, target, limits);
    expect(parsed.decoded?.inputs[0]!.data).toEqual(Float32Array.of(1, 2.5, -3, 0.1));
    expect(parsed.json).toEqual(body);
    const { seen, watch } = watcher();
    const fast = await score(target, oipProtocol, { bytes: bytes(body) }, names, limits, { watch });
    // Key order other than the common one: the JSON path.
    const slow = await score(
      target,
      oipProtocol,
      { bytes: bytes({ inputs: body.inputs, id: 'r7', outputs: [{ name: 'y' }, { name: 'z' }] }) },
      names,
      limits,
    );
    expect(fast.answer.json).toEqual(slow.answer.json);
    expect(fast.answer.text).toBe(JSON.stringify(slow.answer.json));
    expect(fast.answer.text).toBe(
      '{"model_name":"m","model_version":"blue","id":"r7","outputs":[' +
        '{"name":"y","shape":[2],"datatype":"FP32","data":[3.5,-2.9]},' +
        '{"name":"z","shape":[2],"datatype":"INT64","data":[2,2]}]}',
    );
    expect((seen.scored[0] as { json: unknown }).json).toEqual(body);
  });

  it('lets the watch see a scored request once, with the body it was parsed from', async () => {
    const { seen, watch } = watcher();
    await score(target, azureMlProtocol, { bytes: bytes({ data: [[1, 2]] }) }, names, limits, { watch });
    expect(seen).toEqual({ records: [false], decoded: 1, scored: [{ data: [[1, 2]] }] });
  });

  it('counts a refused decode as a failure but not a malformed body', async () => {
    const { seen, watch } = watcher();
    const malformed = score(target, azureMlProtocol, { bytes: bytes('{"data": [[1, 2') }, names, limits, { watch });
    await expect(malformed).rejects.toThrow('The scoring request is not valid JSON');
    const wrongShape = score(target, azureMlProtocol, { bytes: bytes({ data: [[1, 2, 3]] }) }, names, limits, {
      watch,
    });
    await expect(wrongShape).rejects.toBeInstanceOf(SibylError);
    expect(seen).toEqual({ records: [true], decoded: 0, scored: [] });
  });

  it('counts a failed score as a failure', async () => {
    const { seen, watch } = watcher();
    const failing: ScoringTarget = { signature, score: () => Promise.reject(new Error('boom')) };
    await expect(
      score(failing, azureMlProtocol, { bytes: bytes({ data: [[1, 2]] }) }, names, limits, { watch }),
    ).rejects.toThrow('boom');
    expect(seen.records).toEqual([true]);
  });

  it('answers binary outputs in the binary extension when asked', async () => {
    const json = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }], outputs: [{ name: 'y' }] };
    const body = { bytes: bytes({ ...json, parameters: { binary_data_output: true } }) };
    const { answer } = await score(target, oipProtocol, body, names, limits);
    expect(answer.binary).toBeDefined();
    const tail = answer.binary!.body.subarray(answer.binary!.headerLength);
    expect(Array.from(new Float32Array(new Uint8Array(tail).buffer))).toEqual([3]);
  });

  it('names the inference request in a malformed OIP body', async () => {
    await expect(score(target, oipProtocol, { bytes: bytes('') }, names, limits)).rejects.toThrow(
      'The inference request is empty',
    );
  });
});

describe('toOipTensors / fromOipTensors', () => {
  it('round-trips typed tensors through the protocol tensor list', () => {
    const tensors: NamedTensor[] = [
      { name: 'a', datatype: 'FP32', shape: [2], data: Float32Array.of(0.5, -1) },
      { name: 'b', datatype: 'INT64', shape: [1, 1], data: BigInt64Array.of(2n ** 60n) },
    ];
    const list = JSON.parse(JSON.stringify(toOipTensors(tensors))) as unknown;
    expect(fromOipTensors(list)).toEqual(tensors);
  });

  it('refuses a list that is not one', () => {
    expect(() => fromOipTensors({ nope: 1 })).toThrow('"inputs" must be an array');
  });
});

describe('Caller', () => {
  it('runs what was registered once when the caller goes away, and at once when it already has', () => {
    const seen: string[] = [];
    const caller = new Caller();
    caller.onGone((reason) => seen.push(`later: ${reason.message}`));
    caller.gone(new Error('hung up'));
    caller.gone(new Error('again'));
    caller.onGone((reason) => seen.push(`after: ${reason.message}`));
    expect(seen).toEqual(['later: hung up', 'after: hung up']);
    expect(caller.goneReason?.message).toBe('hung up');
  });

  it('drops a queued request of a caller that went away before it was scored', async () => {
    const caller = new Caller();
    caller.gone(new Error('hung up'));
    const body = { bytes: bytes({ data: [[1, 2]] }) };
    const gone: ScoringTarget = {
      signature,
      score: (inputs, who) => (who?.goneReason ? Promise.reject(who.goneReason) : target.score(inputs)),
    };
    await expect(score(gone, azureMlProtocol, body, names, limits, { caller })).rejects.toThrow('hung up');
  });
});
