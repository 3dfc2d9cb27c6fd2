import { performance } from 'node:perf_hooks';

export interface OpenLoop {
  /** Schedules nothing more. */
  stop(): void;
}

/**
 * Calls `send(scheduledMs)` for request i at t0 + i * 1000 / rate, however slowly earlier
 * requests answer (no coordinated omission). When the event loop wakes late, every request that
 * is due leaves at once; the caller records both the scheduled and the actual send time.
 */
export function openLoop(rate: number, send: (scheduledMs: number) => void): OpenLoop {
  const intervalMs = 1000 / rate;
  const t0 = performance.now();
  let next = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = performance.now();
    let due = t0 + next * intervalMs;
    while (due <= now && !stopped) {
      send(due);
      next++;
      due = t0 + next * intervalMs;
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, due - performance.now()));
  };
  tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
