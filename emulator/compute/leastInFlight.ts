/** Request routing of the local ingress: the ready replica with the fewest requests in flight. */

export interface Routable {
  readonly ready: boolean;
  readonly inFlight: number;
}

/** The ready replica with the fewest in flight (the first of equals), or undefined when none is ready. */
export function leastInFlight<R extends Routable>(replicas: Iterable<R>): R | undefined {
  let best: R | undefined;
  for (const r of replicas) {
    if (r.ready && (best === undefined || r.inFlight < best.inFlight)) best = r;
  }
  return best;
}
