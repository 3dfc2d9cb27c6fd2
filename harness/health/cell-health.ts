// One cell's view of the run's health: the evidence of its own span turned into starved windows,
// and the figures results.json carries (how late the probes sent, the worst pauses, throttling).
import type { MeasurementHealth } from '../results.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import { latencySummary } from '../measure/percentiles.ts';
import type { HealthMonitor } from './health-monitor.ts';
import { starvedWindows, type StarvationThresholds, type StarvedWindow } from './starved-windows.ts';

export interface CellHealth {
  windows: StarvedWindow[];
  /** results.json's figures; starved windows are added by the caller, who knows the phases. */
  figures: Omit<MeasurementHealth, 'starved'>;
}

export function cellHealth(monitor: HealthMonitor, fromMs: number, toMs: number, probes: readonly { records: RecordStore }[], thresholds: StarvationThresholds): CellHealth {
  const { ticks, sentinel } = monitor.between(fromMs, toMs);
  const lags: number[] = [];
  const lateSends: { scheduledMs: number; sentMs: number }[] = [];
  for (const { records } of probes) {
    records.forEach((i) => {
      const lag = records.sentMs(i) - records.scheduledMs(i);
      lags.push(lag);
      if (lag > thresholds.sendLagMs) lateSends.push({ scheduledMs: records.scheduledMs(i), sentMs: records.sentMs(i) });
    });
  }
  const known = (values: (number | null)[]) => values.filter((value): value is number => value !== null);
  const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null);
  const lag = latencySummary(Float32Array.from(lags));
  return {
    windows: starvedWindows({ ticks, sentinel, lateSends }, thresholds),
    figures: {
      sendLagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
      eventLoopDelayMs: { max: round(worst(ticks.map((tick) => tick.loopDelayMs))) },
      sentinelLateMs: monitor.hasSentinel ? { max: round(worst(sentinel.map((report) => report.lateMs))) } : null,
      cpuThrottledMs: round(ticks.reduce((sum, tick) => sum + tick.throttledMs, 0)),
      cpuPressure: roundShare(mean(known(ticks.map((tick) => tick.pressureShare)))),
      cpuSteal: roundShare(mean(known(ticks.map((tick) => tick.stealShare)))),
      thresholds,
    },
  };
}

const worst = (values: number[]) => values.reduce((max, value) => Math.max(max, value), 0);
const round = (ms: number) => Math.round(ms * 10) / 10;
const roundShare = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 1000);
