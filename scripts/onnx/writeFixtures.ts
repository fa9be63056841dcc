/**
 * Writes the small committed model fixtures under `test/fixtures/models/` (each well under 50 KB).
 * Tests check the committed files still equal what these factories produce, so regenerate with
 *
 *   npm run build && node dist/scripts/onnx/writeFixtures.js [folder]
 *
 * after changing a factory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { horoscopeModel } from './horoscopeModel';
import { identityModel, int64Model, twoInputModel } from './identityModels';
import { MLP_SIZES, mlpModel } from './mlpModel';

/** File name → factory for every committed fixture. */
export const MODEL_FIXTURES: Readonly<Record<string, () => Uint8Array>> = Object.freeze({
  'horoscope.onnx': horoscopeModel,
  'mlp-tiny.onnx': () => mlpModel({ ...MLP_SIZES.tiny, seed: 1 }),
  'mlp-tiny-softmax.onnx': () => mlpModel({ ...MLP_SIZES.tiny, seed: 1, head: 'softmax' }),
  'identity-fp32.onnx': () => identityModel('FP32'),
  'identity-bytes.onnx': () => identityModel('BYTES'),
  'two-in-two-out.onnx': twoInputModel,
  'int64-add.onnx': int64Model,
});

/** Default folder of the committed fixtures, relative to the repository root. */
export const FIXTURES_DIR = 'test/fixtures/models';

/** Writes every fixture into `dir`; returns the paths written. */
export function writeFixtures(dir = FIXTURES_DIR): string[] {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  return Object.entries(MODEL_FIXTURES).map(([name, make]) => {
    const path = join(target, name);
    writeFileSync(path, make());
    return path;
  });
}

if (require.main === module) {
  for (const path of writeFixtures(process.argv[2])) console.log(`Wrote ${path}`);
}
