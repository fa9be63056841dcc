/**
 * The progress bar of `batch run --wait` on stderr: mini-batches done of total, rows scored, rows/s
 * and an ETA from the mini-batch rate. Off a terminal it prints a line every few seconds instead.
 */
import { Presets, SingleBar } from 'cli-progress';
import { isTerminalStatus } from '../../shared/portable/runStatuses';

/** The job fields the bar reads. */
export interface BatchJobProgress {
  status: string;
  progress: { totalMiniBatches: number; succeeded: number; failed: number; rowsScored: number; rowsFailed: number };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

export class BatchProgressBar {
  private readonly bar = new SingleBar(
    {
      format:
        'mini-batches [{bar}] {value}/{totalText} | {rows} rows ({failedRows} failed) | {rate} rows/s | ETA {etaText} | {status}',
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
      gracefulExit: false,
    },
    Presets.shades_classic,
  );
  private started = false;
  private runningSince: number | undefined;
  /** Rows per second, recomputed only when rows move (so merging at the end does not drag it down). */
  private rate = 0;
  private lastRows = 0;

  update(job: BatchJobProgress): void {
    const p = job.progress;
    const done = p.succeeded + p.failed;
    // Until planning has counted the mini-batches the total is unknown: show '?' and an empty bar.
    const total = Math.max(p.totalMiniBatches, done);
    if (job.status === 'Running' && this.runningSince === undefined) this.runningSince = Date.now();
    const elapsed = this.runningSince === undefined ? 0 : (Date.now() - this.runningSince) / 1000;
    if (p.rowsScored !== this.lastRows && elapsed > 0) {
      this.rate = p.rowsScored / elapsed;
      this.lastRows = p.rowsScored;
    }
    const ended = isTerminalStatus(job.status);
    const eta =
      job.status === 'Completed' ? 0 : ended ? NaN : done > 0 && total > done ? (elapsed / done) * (total - done) : NaN;
    const payload = {
      totalText: total > 0 ? String(total) : '?',
      rows: p.rowsScored,
      failedRows: p.rowsFailed,
      rate: this.rate.toFixed(this.rate < 10 ? 1 : 0),
      etaText: duration(eta),
      status: job.status,
    };
    if (!this.started) {
      this.bar.start(Math.max(total, 1), done, payload);
      this.started = true;
    } else {
      this.bar.setTotal(Math.max(total, 1));
      this.bar.update(done, payload);
    }
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}
