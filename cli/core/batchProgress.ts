/**
 * The progress bar of `batch run --wait` on stderr: mini-batches done of total, rows scored, rows/s
 * and an ETA from the mini-batch rate. Off a terminal it prints a line every few seconds instead.
 */
import { Presets, SingleBar } from 'cli-progress';

/** The job fields the bar reads. */
export interface BatchJobProgress {
  status: string;
  progress: { totalMiniBatches: number; succeeded: number; failed: number; rowsScored: number; rowsFailed: number };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class BatchProgressBar {
  private readonly bar = new SingleBar(
    {
      format: 'mini-batches [{bar}] {value}/{total} | {rows} rows ({failedRows} failed) | {rate} rows/s | ETA {etaText} | {status}',
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

  update(job: BatchJobProgress): void {
    const p = job.progress;
    const done = p.succeeded + p.failed;
    const total = Math.max(p.totalMiniBatches, done);
    if (job.status === 'Running' && this.runningSince === undefined) this.runningSince = Date.now();
    const elapsed = this.runningSince === undefined ? 0 : (Date.now() - this.runningSince) / 1000;
    const rate = elapsed > 0 ? p.rowsScored / elapsed : 0;
    const eta = done > 0 && total > done ? (elapsed / done) * (total - done) : total > 0 && done >= total ? 0 : NaN;
    const payload = { rows: p.rowsScored, failedRows: p.rowsFailed, rate: rate.toFixed(rate < 10 ? 1 : 0), etaText: duration(eta), status: job.status };
    if (!this.started) {
      this.bar.start(total, done, payload);
      this.started = true;
    } else {
      this.bar.setTotal(total);
      this.bar.update(done, payload);
    }
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}
