/** A stand-in for a model session in the session cache tests: it records whether it was released. */
import type { Releasable } from '../../shared/scoring/sessionCache';

export class FakeSession implements Releasable {
  released = false;
  constructor(readonly id: string) {}
  release(): Promise<void> {
    this.released = true;
    return Promise.resolve();
  }
}
