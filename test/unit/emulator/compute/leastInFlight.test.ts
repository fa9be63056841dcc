/** The local ingress's routing choice. */
import { leastInFlight } from '../../../../emulator/compute/leastInFlight';

describe('leastInFlight', () => {
  it('picks the ready replica with the fewest in flight', () => {
    const replicas = [
      { name: 'a', ready: true, inFlight: 3 },
      { name: 'b', ready: true, inFlight: 1 },
      { name: 'c', ready: true, inFlight: 2 },
    ];
    expect(leastInFlight(replicas)?.name).toBe('b');
  });

  it('never picks a replica that is not ready, however idle', () => {
    const replicas = [
      { name: 'starting', ready: false, inFlight: 0 },
      { name: 'busy', ready: true, inFlight: 5 },
    ];
    expect(leastInFlight(replicas)?.name).toBe('busy');
  });

  it('takes the first of equals, and nothing when none is ready', () => {
    expect(
      leastInFlight([
        { name: 'x', ready: true, inFlight: 1 },
        { name: 'y', ready: true, inFlight: 1 },
      ])?.name,
    ).toBe('x');
    expect(leastInFlight([{ ready: false, inFlight: 0 }])).toBeUndefined();
    expect(leastInFlight([])).toBeUndefined();
  });
});
