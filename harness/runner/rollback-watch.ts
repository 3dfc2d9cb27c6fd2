// Automatic rollback's analysis, in the manner of Argo Rollouts: while an upgrade runs, every
// interval the traffic of a sliding window is measured against the matrix's triggers; failureLimit
// failed measurements in a row, or an upgrade not ready in time, trigger the rollback.
import type { AutoRollbackSettings } from '../matrix/cell.ts';
import { nearestRank } from '../measure/percentiles.ts';
import type { RecordStore } from '../traffic/record-store.ts';

export interface RollbackTrigger {
  /** What tripped, in words: "error rate 34% > 5% over the last 5 s, 2 measurements in a row". */
  trigger: string;
  atMs: number;
  /** Since when the problem was there: the first failed request it saw, or the upgrade's start. */
  sinceMs: number;
}

export interface RollbackWatch {
  readonly triggered: Promise<RollbackTrigger>;
  /** The upgrade reached readiness: the readiness trigger no longer applies. */
  ready(): void;
  stop(): void;
}

/** Window figures of the records whose answer came in within [fromMs, toMs]. */
export function windowFigures(stores: readonly RecordStore[], fromMs: number, toMs: number): { requests: number; failures: number; p99Ms: number; firstFailureMs: number | null } {
  let requests = 0;
  let failures = 0;
  let firstFailureMs: number | null = null;
  const durations: number[] = [];
  for (const store of stores) {
    // Rows are stored as answers arrive: walk back from the newest until answers are older than the window.
    for (let i = store.length - 1; i >= 0; i--) {
      const endMs = store.sentMs(i) + store.durationMs(i);
      if (endMs < fromMs) break;
      if (endMs > toMs) continue;
      requests++;
      durations.push(store.durationMs(i));
      if (store.failed(i)) {
        failures++;
        if (firstFailureMs === null || store.sentMs(i) < firstFailureMs) firstFailureMs = store.sentMs(i);
      }
    }
  }
  return { requests, failures, p99Ms: nearestRank(durations.sort((a, b) => a - b), 99), firstFailureMs };
}

export function watchForRollback(settings: AutoRollbackSettings, stores: () => RecordStore[], startMs: number, now: () => number): RollbackWatch {
  let fire: (trigger: RollbackTrigger) => void = () => {};
  const triggered = new Promise<RollbackTrigger>((resolve) => (fire = resolve));
  let isReady = false;
  let inARow = 0;
  let firstFailureMs: number | null = null;
  const seconds = `${Math.round(settings.windowMs / 100) / 10} s`;
  const timer = setInterval(() => {
    const at = now();
    if (settings.readyWithinMs !== undefined && !isReady && at - startMs > settings.readyWithinMs) {
      clearInterval(timer);
      fire({ trigger: `not ready within ${settings.readyWithinMs} ms of the upgrade's start`, atMs: at, sinceMs: startMs });
      return;
    }
    const figures = windowFigures(stores(), Math.max(startMs, at - settings.windowMs), at);
    const rate = figures.requests > 0 ? figures.failures / figures.requests : 0;
    const breaches = [
      settings.errorRate !== undefined && rate > settings.errorRate ? `error rate ${Math.round(rate * 100)}% > ${Math.round(settings.errorRate * 100)}%` : '',
      settings.p99LatencyMs !== undefined && figures.requests > 0 && figures.p99Ms > settings.p99LatencyMs ? `p99 latency ${Math.round(figures.p99Ms)} ms > ${settings.p99LatencyMs} ms` : '',
    ].filter(Boolean);
    if (breaches.length === 0) {
      inARow = 0;
      firstFailureMs = null;
      return;
    }
    inARow++;
    if (firstFailureMs === null || (figures.firstFailureMs !== null && figures.firstFailureMs < firstFailureMs)) firstFailureMs = figures.firstFailureMs;
    if (inARow >= settings.failureLimit) {
      clearInterval(timer);
      fire({ trigger: `${breaches.join(' and ')} over the last ${seconds}, ${inARow} measurement${inARow === 1 ? '' : 's'} in a row`, atMs: at, sinceMs: firstFailureMs ?? at });
    }
  }, settings.intervalMs);
  return {
    triggered,
    ready: () => {
      isReady = true;
    },
    stop: () => clearInterval(timer),
  };
}
