/**
 * FP32 outputs as CSV text: the shortest decimal that reads back as the same float32, the same
 * digits as real-time answers (the codecs' `shortestFloat32`), so batch files and answers agree.
 *
 * @example float32Text(Math.fround(0.1)) === '0.1'
 */
import { shortestFloat32 } from '../scoring/codecs/elementCodec';

export function float32Text(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  return String(shortestFloat32(f));
}
