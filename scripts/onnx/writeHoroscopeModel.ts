/**
 * Writes the demo horoscope model.
 *
 *   npm run build && node dist/scripts/onnx/writeHoroscopeModel.js [path]   (default models/horoscope.onnx)
 *
 * Input `features` FP32 [-1, 6]: birth month (1–12), birth day (1–31), birth year − 1900,
 * today's month (1–12), today's day (1–31), today's day of week (0 = Sunday … 6 = Saturday).
 * Output `probabilities` FP32 [-1, 4]: love, work, money, health (each 0–1).
 * The weights are fixed (seeded), so the same features always get the same answer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { horoscopeModel, HOROSCOPE_FEATURES, HOROSCOPE_OUTCOMES } from './horoscopeModel';

/** Writes the model to `path` (creating folders) and returns the absolute path and size. */
export function writeHoroscopeModel(path = 'models/horoscope.onnx'): { path: string; bytes: number } {
  const target = resolve(path);
  const bytes = horoscopeModel();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  return { path: target, bytes: bytes.length };
}

if (require.main === module) {
  const { path, bytes } = writeHoroscopeModel(process.argv[2]);
  console.log(`Wrote ${path} (${bytes} bytes)`);
  console.log(`  input  features      FP32 [-1, ${HOROSCOPE_FEATURES.length}]: ${HOROSCOPE_FEATURES.join(', ')}`);
  console.log(`  output probabilities FP32 [-1, ${HOROSCOPE_OUTCOMES.length}]: ${HOROSCOPE_OUTCOMES.join(', ')}`);
}
