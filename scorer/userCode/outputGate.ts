/**
 * Holds a user process's stdout until the replica has printed its own "listening on port" line, then
 * streams it. The local compute reads the replica's port from the first such line on stdout, so a user
 * server printing "listening on port 5000" first would otherwise point the compute (and its callers'
 * keys) straight at the user's unauthenticated port.
 */
import type { Readable, Writable } from 'node:stream';

/** Bytes held before release at most; older ones are dropped (a note says how many). */
const MAX_HELD_BYTES = 1024 * 1024;

export class OutputGate {
  #held: Buffer[] = [];
  #heldBytes = 0;
  #dropped = 0;
  #released = false;

  constructor(
    from: Readable,
    private readonly to: Writable,
  ) {
    from.on('data', (chunk: Buffer) => {
      if (this.#released) {
        to.write(chunk);
        return;
      }
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      while (this.#heldBytes > MAX_HELD_BYTES && this.#held.length > 1) {
        const first = this.#held.shift()!;
        this.#heldBytes -= first.length;
        this.#dropped += first.length;
      }
    });
  }

  /** Writes what was held and streams the rest; resolves once the held bytes are written. */
  release(): Promise<void> {
    if (this.#released) return Promise.resolve();
    this.#released = true;
    if (this.#dropped) this.to.write(`[${this.#dropped} bytes of the user process's early output dropped]\n`);
    const held = Buffer.concat(this.#held);
    this.#held = [];
    if (!held.length) return Promise.resolve();
    return new Promise((resolve) => this.to.write(held, () => resolve()));
  }
}
