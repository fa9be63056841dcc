/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HOROSCOPE_FEATURE_CENTER,
  HOROSCOPE_FEATURE_HALF_RANGE,
  horoscopeLayers,
  horoscopeModel,
} from '../../../../scripts/onnx/horoscopeModel';
import { writeHoroscopeModel } from '../../../../scripts/onnx/writeHoroscopeModel';
import { ModelSession } from '../../../../shared/scoring/modelSession';
import { denseForward, expectClose, sigmoid } from './referenceForward';

// Born 14 March 1990, asked on Friday 24 May 2024; born 1 Jan 1900, asked on Sunday 31 Dec.
const ROWS = [
  [3, 14, 90, 5, 24, 5],
  [1, 1, 0, 12, 31, 0],
];

describe('horoscopeModel', () => {
  let session: ModelSession;
  beforeAll(async () => {
    session = await ModelSession.load(horoscopeModel());
    await session.warm();
  });
  afterAll(() => session.release());

  it('takes features [-1, 6] and answers probabilities [-1, 4]', () => {
    expect(session.signature).toEqual({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 6] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 4] }],
    });
  });

  it('answers what its fixed weights compute, each a probability', async () => {
    const [out] = await session.run([
      { name: 'features', datatype: 'FP32', shape: [2, 6], data: Float32Array.from(ROWS.flat()) },
    ]);
    const layers = horoscopeLayers();
    ROWS.forEach((row, r) => {
      const scaled = row.map((v, i) =>
        Math.fround((v - HOROSCOPE_FEATURE_CENTER[i]!) * Math.fround(1 / HOROSCOPE_FEATURE_HALF_RANGE[i]!)),
      );
      expectClose((out!.data as Float32Array).subarray(r * 4, r * 4 + 4), denseForward(layers, scaled).map(sigmoid));
    });
    expect(Array.from(out!.data as Float32Array).every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('gives different people different days', async () => {
    const [out] = await session.run([
      { name: 'features', datatype: 'FP32', shape: [2, 6], data: Float32Array.from(ROWS.flat()) },
    ]);
    const data = out!.data as Float32Array;
    expect(Array.from(data.subarray(0, 4))).not.toEqual(Array.from(data.subarray(4, 8)));
  });

  it('is the same bytes every time, and the script writes them to the path given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'horoscope-'));
    try {
      const { path, bytes } = writeHoroscopeModel(join(dir, 'models', 'horoscope.onnx'));
      expect(readFileSync(path).equals(horoscopeModel())).toBe(true);
      expect(bytes).toBeLessThan(50_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
