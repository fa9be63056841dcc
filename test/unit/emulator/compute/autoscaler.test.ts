/** The local compute provider's scale decisions, on a clock the test moves. */
import { Autoscaler, type ScaleRule } from '../../../../emulator/compute/autoscaler';

const rule: ScaleRule = { minReplicas: 1, maxReplicas: 3, concurrentRequests: 2, scaleInDelaySeconds: 60 };

/** `[replicas, inFlight, expected]`: `decide(replicas, inFlight)` must answer `expected`; a number moves the clock. */
type Step = [replicas: number, inFlight: number, expected: number] | number;

/** Plays `steps` in order on one autoscaler whose clock starts at 0 ms; a failure shows the whole timeline. */
function expectDecisions(steps: Step[], r: ScaleRule = rule): void {
  let now = 0;
  const autoscaler = new Autoscaler(r, () => now);
  const played = steps.map((step): Step => {
    if (typeof step === 'number') return (now = step);
    const [replicas, inFlight] = step;
    return [replicas, inFlight, autoscaler.decide(replicas, inFlight)];
  });
  expect(played).toEqual(steps);
}

describe('Autoscaler', () => {
  it('keeps the minimum when idle', () => {
    expectDecisions([
      [1, 0, 1],
      [0, 0, 1],
    ]);
  });

  it('adds replicas at once when in-flight per replica exceeds the target, never past the maximum', () => {
    expectDecisions([
      [1, 2, 1],
      [1, 3, 2],
      [2, 5, 3],
      [3, 32, 3],
    ]);
  });

  it('removes replicas only after load stayed low for the whole scale-in delay', () => {
    expectDecisions([[3, 0, 3], 59_000, [3, 0, 3], 60_000, [3, 0, 1]]);
  });

  it('restarts the cooldown when load comes back before it ends', () => {
    expectDecisions([[3, 0, 3], 50_000, [3, 6, 3], 100_000, [3, 0, 3], 159_999, [3, 0, 3], 160_000, [3, 0, 1]]);
  });

  it('scales to zero with a minimum of 0, and from zero on the first request', () => {
    const toZero = { ...rule, minReplicas: 0, scaleInDelaySeconds: 10 };
    expectDecisions([[0, 1, 1], [1, 0, 1], 10_000, [1, 0, 0], [0, 0, 0]], toZero);
  });

  it('follows a changed rule from the next decision', () => {
    const autoscaler = new Autoscaler(rule, () => 0);
    autoscaler.setRule({ ...rule, minReplicas: 2, maxReplicas: 5 });
    expect(autoscaler.decide(1, 0)).toBe(2);
    expect(autoscaler.decide(2, 100)).toBe(5);
  });
});
