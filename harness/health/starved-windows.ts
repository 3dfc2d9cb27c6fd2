// Pure: the moments the harness could not measure (it or the machine was starved), from direct
// evidence only - the sentinel waking late, the runner's event loop blocked, the probes sending
// late, the run's cgroup throttled by its CPU quota. Machine-wide CPU pressure is not evidence by
// itself: under plain contention some task always waits, while ours still run on time.
import { TICK_MS, type HealthTick, type SentinelReport } from './health-monitor.ts';

export interface StarvationThresholds {
  /** A pause of the sentinel or of the runner's event loop longer than this is starvation. */
  pauseMs: number;
  /** A probe request sent later than this after its scheduled time: the measurement itself is late. */
  sendLagMs: number;
  /** A tick in which the CPU quota held the run back for more than this share of it. */
  throttledShare: number;
}

export const defaultStarvationThresholds: StarvationThresholds = { pauseMs: 100, sendLagMs: 100, throttledShare: 0.2 };

export type StarvationCause = 'machine-paused' | 'harness-blocked' | 'probes-late' | 'cpu-throttled';

export interface StarvedWindow {
  startMs: number;
  endMs: number;
  /** The worst figure each cause reached in the window (ms; throttled: ms held back in all). */
  causes: Partial<Record<StarvationCause, number>>;
}

export interface StarvationEvidence {
  ticks: HealthTick[];
  sentinel: SentinelReport[];
  /** Requests of the probes that left later than sendLagMs after their scheduled time. */
  lateSends: { scheduledMs: number; sentMs: number }[];
}

/** Spans closer than this are one window: a starved stretch flickers tick to tick. */
const JOIN_GAP_MS = TICK_MS;

export function starvedWindows(evidence: StarvationEvidence, thresholds: StarvationThresholds): StarvedWindow[] {
  const spans: { startMs: number; endMs: number; cause: StarvationCause; amount: number; sum?: boolean }[] = [];
  for (const report of evidence.sentinel) {
    if (report.lateMs > thresholds.pauseMs) spans.push({ startMs: report.atMs - TICK_MS - report.lateMs, endMs: report.atMs, cause: 'machine-paused', amount: report.lateMs });
  }
  for (const tick of evidence.ticks) {
    if (tick.loopDelayMs > thresholds.pauseMs) spans.push({ startMs: tick.atMs - TICK_MS - tick.loopDelayMs, endMs: tick.atMs, cause: 'harness-blocked', amount: tick.loopDelayMs });
    if (tick.throttledMs > thresholds.throttledShare * TICK_MS) spans.push({ startMs: tick.atMs - TICK_MS, endMs: tick.atMs, cause: 'cpu-throttled', amount: tick.throttledMs, sum: true });
  }
  for (const send of evidence.lateSends) spans.push({ startMs: send.scheduledMs, endMs: send.sentMs, cause: 'probes-late', amount: send.sentMs - send.scheduledMs });
  spans.sort((a, b) => a.startMs - b.startMs);

  const windows: StarvedWindow[] = [];
  for (const span of spans) {
    let window = windows.at(-1);
    if (!window || span.startMs > window.endMs + JOIN_GAP_MS) {
      window = { startMs: span.startMs, endMs: span.endMs, causes: {} };
      windows.push(window);
    }
    window.endMs = Math.max(window.endMs, span.endMs);
    const before = window.causes[span.cause] ?? 0;
    window.causes[span.cause] = span.sum ? before + span.amount : Math.max(before, span.amount);
  }
  return windows;
}

/** Whether [fromMs, toMs] touches a window widened by `marginMs` on both sides. */
export function inWindows(windows: readonly StarvedWindow[], fromMs: number, toMs: number, marginMs: number): boolean {
  return windows.some((window) => fromMs <= window.endMs + marginMs && toMs >= window.startMs - marginMs);
}

/** Milliseconds of [fromMs, toMs] covered by windows. */
export function starvedMsWithin(windows: readonly StarvedWindow[], fromMs: number, toMs: number): number {
  return windows.reduce((sum, window) => sum + Math.max(0, Math.min(toMs, window.endMs) - Math.max(fromMs, window.startMs)), 0);
}

const causeText: Record<StarvationCause, (amount: number) => string> = {
  'machine-paused': (ms) => `the machine paused the harness for up to ${Math.round(ms)} ms`,
  'harness-blocked': (ms) => `the harness's event loop was blocked for up to ${Math.round(ms)} ms`,
  'probes-late': (ms) => `probes sent requests up to ${Math.round(ms)} ms late`,
  'cpu-throttled': (ms) => `the CPU quota throttled the run for ${Math.round(ms)} ms`,
};

/** "the CPU quota throttled the run for 1900 ms; the machine paused the harness for up to 840 ms". */
export function describeStarvation(windows: readonly StarvedWindow[]): string {
  const worst: Partial<Record<StarvationCause, number>> = {};
  for (const window of windows) {
    for (const [cause, amount] of Object.entries(window.causes) as [StarvationCause, number][]) {
      worst[cause] = cause === 'cpu-throttled' ? (worst[cause] ?? 0) + amount : Math.max(worst[cause] ?? 0, amount);
    }
  }
  return (Object.entries(worst) as [StarvationCause, number][]).map(([cause, amount]) => causeText[cause](amount)).join('; ');
}
