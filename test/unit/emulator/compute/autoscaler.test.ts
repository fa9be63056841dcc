/** The local compute provider's scale decisions, on a clock the test moves. */
import { Autoscaler, type ScaleRule } from '../../../../emulator/compute/autoscaler';

const rule: ScaleRule = { minReplicas: 1, maxReplicas: 3, concurrentRequests: 2, scaleInDelaySeconds: 60 };

function scaler(r: ScaleRule = rule) {
  const clock = { now: 0 };
  return { clock, autoscaler: new Autoscaler(r, () => clock.now) };
}

describe('Autoscaler', () => {
  it('keeps the minimum when idle', () => {
    const { autoscaler } = scaler();
    expect(autoscaler.decide(1, 0)).toBe(1);
    expect(autoscaler.decide(0, 0)).toBe(1);
  });

  it('adds replicas at once when in-flight per replica exceeds the target, never past the maximum', () => {
    const { autoscaler } = scaler();
    expect(autoscaler.decide(1, 2)).toBe(1);
    expect(autoscaler.decide(1, 3)).toBe(2);
    expect(autoscaler.decide(2, 5)).toBe(3);
    expect(autoscaler.decide(3, 32)).toBe(3);
  });

  it('removes replicas only after load stayed low for the whole scale-in delay', () => {
    const { clock, autoscaler } = scaler();
    expect(autoscaler.decide(3, 0)).toBe(3);
    clock.now = 59_000;
    expect(autoscaler.decide(3, 0)).toBe(3);
    clock.now = 60_000;
    expect(autoscaler.decide(3, 0)).toBe(1);
  });

  it('restarts the cooldown when load comes back before it ends', () => {
    const { clock, autoscaler } = scaler();
    expect(autoscaler.decide(3, 0)).toBe(3);
    clock.now = 50_000;
    expect(autoscaler.decide(3, 6)).toBe(3);
    clock.now = 100_000;
    expect(autoscaler.decide(3, 0)).toBe(3);
    clock.now = 159_999;
    expect(autoscaler.decide(3, 0)).toBe(3);
    clock.now = 160_000;
    expect(autoscaler.decide(3, 0)).toBe(1);
  });

  it('scales to zero with a minimum of 0, and from zero on the first request', () => {
    const { clock, autoscaler } = scaler({ ...rule, minReplicas: 0, scaleInDelaySeconds: 10 });
    expect(autoscaler.decide(0, 1)).toBe(1);
    expect(autoscaler.decide(1, 0)).toBe(1);
    clock.now = 10_000;
    expect(autoscaler.decide(1, 0)).toBe(0);
    expect(autoscaler.decide(0, 0)).toBe(0);
  });

  it('follows a changed rule from the next decision', () => {
    const { autoscaler } = scaler();
    autoscaler.setRule({ ...rule, minReplicas: 2, maxReplicas: 5 });
    expect(autoscaler.decide(1, 0)).toBe(2);
    expect(autoscaler.decide(2, 100)).toBe(5);
  });
});
