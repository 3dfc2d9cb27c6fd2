import type { TrafficSummary } from '../results.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import { mergeRecords } from './merge-records.ts';
import { summarizeTraffic, type SummaryWindow } from './summarize-traffic.ts';

/** All probes' traffic as one summary (outages over every request), with per-probe figures beside it. */
export function summarizeProbes(probes: { name: string; records: RecordStore }[], window: SummaryWindow): TrafficSummary {
  const summary = summarizeTraffic(mergeRecords(probes.map((probe) => probe.records)), window);
  summary.byProbe = {};
  for (const probe of probes) {
    const own = probes.length === 1 ? summary : summarizeTraffic(probe.records, window);
    summary.byProbe[probe.name] = {
      requests: own.requests,
      failures: own.failures,
      availability: own.availability,
      longestOutageMs: own.longestOutageMs,
      latencyMs: own.latencyMs,
    };
  }
  return summary;
}
