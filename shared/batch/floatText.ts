/**
 * Fast text for FP32 outputs: the shortest decimal that reads back as the same float32 — the same
 * digits as the scoring codecs' `shortestFloat32` (so batch files and real-time answers agree), found
 * starting at 6 significant digits. That start is safe: a decimal of k ≤ 6 digits that rounds to the
 * float is within half a float32 ulp of it, so rounding the float to 6 digits gives that decimal back
 * (padded with zeros, which `Number` drops). It halves the cost per value on large outputs.
 *
 * @example float32Text(Math.fround(0.1)) === '0.1'
 */
export function float32Text(f: number): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? 'Infinity' : '-Infinity';
  if (f === 0) return '0';
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(Number(f.toPrecision(9)));
}
