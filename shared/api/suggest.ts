/** "Did you mean …?" for typos in field names and enum values. */

function distance(a: string, b: string): number {
  // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("tarffic").
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `word` when it is close enough to be a likely typo, else undefined.
 * Case is ignored; up to one edit per three characters (at least one) is allowed, and a shared
 * stem (four or more characters, three quarters of the shorter word) counts as close (`maxRetry` → `maxRetries`).
 *
 * @example
 *   closest('maxBatchsize', ['maxBatchSize', 'maxQueueDelayMs']); // 'maxBatchSize'
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    let common = 0;
    while (common < lower.length && lower[common] === other[common]) common++;
    const stem = common >= 4 && common >= 0.75 * Math.min(lower.length, other.length);
    const d = stem ? Math.min(1, distance(lower, other)) : distance(lower, other);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
