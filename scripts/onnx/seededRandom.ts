/**
 * A tiny seeded PRNG (mulberry32) so generated model weights are identical on every machine and run.
 * Not for anything security-related.
 *
 * @example
 * const next = seededRandom(42);
 * next(); // 0 ≤ x < 1, same sequence for seed 42 everywhere
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` values drawn uniformly from [-limit, limit), as float32. */
export function uniformArray(next: () => number, length: number, limit: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 2 - 1) * limit;
  return out;
}
