/**
 * Live refresh: runs `tick` now and then every `intervalMs` after the previous tick finished (never
 * two at once), skipping ticks while the tab is hidden. `stop()` ends it when the page is left.
 */
export interface Poller {
  stop(): void;
  /** Runs a tick now (e.g. after the user changed a filter). */
  refresh(): void;
}

export function poll(tick: () => Promise<void>, intervalMs: number): Poller {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  const schedule = () => {
    if (!stopped) timer = setTimeout(run, intervalMs);
  };
  const run = () => {
    clearTimeout(timer);
    if (stopped || running) return;
    if (document.hidden) return schedule();
    running = true;
    tick()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        schedule();
      });
  };
  const onVisible = () => {
    if (!document.hidden) run();
  };
  document.addEventListener('visibilitychange', onVisible);
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
    refresh: run,
  };
}
