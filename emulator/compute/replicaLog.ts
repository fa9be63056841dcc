/**
 * A replica's console, kept for `GET …/deployments/{d}/logs`: the last lines of its stdout and stderr
 * in one bounded ring, each line redacted before it is stored (a secret never sits in memory as log).
 */
import type { ReplicaLogLine } from '../../shared/compute/computeTypes';
import { MAX_LOG_LINES } from '../../shared/compute/computeTypes';
import { redactLine } from '../../shared/compute/logRedaction';

/** A longer line is cut here: one runaway print must not evict everything else. */
const MAX_LINE_CHARS = 4096;
/** The ring's text bound besides its line count, so long lines cannot make it hold megabytes per replica. */
const MAX_TOTAL_CHARS = 1_000_000;

type Stream = ReplicaLogLine['stream'];

export class ReplicaLog {
  readonly #lines: ReplicaLogLine[] = [];
  #chars = 0;
  readonly #partial: Record<Stream, string> = { stdout: '', stderr: '' };

  constructor(
    readonly replica: string,
    private readonly secrets: readonly string[],
    private readonly capacity = MAX_LOG_LINES,
    /** Sees each line once stored (redacted): the host echoes replicas' stderr to its own. */
    private readonly echo: (line: ReplicaLogLine) => void = () => undefined,
  ) {}

  /** Appends a chunk of `stream`; a line is stored once its newline arrives (or at `end`). */
  write(stream: Stream, chunk: string): void {
    const parts = (this.#partial[stream] + chunk).split(/\r?\n/);
    this.#partial[stream] = parts.pop() ?? '';
    for (const part of parts) this.#push(stream, part);
    // A line that never ends is stored in pieces rather than held without bound.
    if (this.#partial[stream].length > MAX_LINE_CHARS * 4) {
      this.#push(stream, this.#partial[stream]);
      this.#partial[stream] = '';
    }
  }

  /** Stores what is left without a newline (the process ended). */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream]) this.#push(stream, this.#partial[stream]);
      this.#partial[stream] = '';
    }
  }

  #push(stream: Stream, raw: string): void {
    // Redacted before it is cut, so a secret across the cut cannot leave a readable prefix.
    const redacted = redactLine(raw, this.secrets);
    const text = redacted.length > MAX_LINE_CHARS ? `${redacted.slice(0, MAX_LINE_CHARS)} …(cut)` : redacted;
    const line: ReplicaLogLine = { replica: this.replica, stream, time: new Date().toISOString(), text };
    this.#lines.push(line);
    this.#chars += text.length;
    this.echo(line);
    while (this.#lines.length > this.capacity || (this.#chars > MAX_TOTAL_CHARS && this.#lines.length > 1))
      this.#chars -= this.#lines.shift()!.text.length;
  }

  /** The last `count` lines, oldest first. */
  tail(count: number): ReplicaLogLine[] {
    return count > 0 ? this.#lines.slice(-count) : [];
  }
}
