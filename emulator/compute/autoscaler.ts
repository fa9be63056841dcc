/**
 * Container Apps' HTTP scale rule, as the local compute provider applies it: enough replicas that
 * each has at most `concurrentRequests` in flight (out at once), clamped to min/max, and fewer only
 * once load has stayed low for the cooldown (`scaleInDelaySeconds`).
 */
import type { ScorerAppSpec } from '../../shared/compute/computeTypes';

export interface ScaleRule {
  minReplicas: number;
  maxReplicas: number;
  concurrentRequests: number;
  scaleInDelaySeconds: number;
}

/** The scale rule of a scorer app's spec. */
export function scaleRuleOf(spec: ScorerAppSpec): ScaleRule {
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    concurrentRequests: spec.concurrentRequests,
    scaleInDelaySeconds: spec.scaleInDelaySeconds,
  };
}

/** Milliseconds on some monotonic clock; tests pass their own. */
export type Clock = () => number;

export class Autoscaler {
  /** When load first fell below the current replica count, while it stays there. */
  #lowSince: number | undefined;

  constructor(
    private rule: ScaleRule,
    private readonly now: Clock = () => performance.now(),
  ) {}

  /** A changed rule applies from the next decision; the cooldown already running is kept. */
  setRule(rule: ScaleRule): void {
    this.rule = rule;
  }

  /** Replicas the load of `inFlight` requests needs, within the rule's bounds, ignoring the cooldown. */
  wanted(inFlight: number): number {
    const { minReplicas, maxReplicas, concurrentRequests } = this.rule;
    const needed = Math.ceil(Math.max(0, inFlight) / concurrentRequests);
    return Math.min(maxReplicas, Math.max(minReplicas, needed));
  }

  /**
   * How many replicas to run, given `current` and the peak `inFlight` (requests at the ingress,
   * waiting or forwarded) since the last decision: more at once, fewer after the cooldown.
   */
  decide(current: number, inFlight: number): number {
    const wanted = this.wanted(inFlight);
    if (wanted >= current) {
      this.#lowSince = undefined;
      return wanted;
    }
    const t = this.now();
    this.#lowSince ??= t;
    if (t - this.#lowSince < this.rule.scaleInDelaySeconds * 1000) return current;
    this.#lowSince = undefined;
    return wanted;
  }
}
