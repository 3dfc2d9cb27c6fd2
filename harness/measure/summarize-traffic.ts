import { performance } from 'node:perf_hooks';
import type { FailureClass, Outage, PhaseTraffic, TrafficSummary, UpstreamCause } from '../results.ts';
import { failureClassOf, outcomeClasses } from '../traffic/outcome.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import { upstreamCauseName, upstreamCauses } from '../traffic/upstream-cause.ts';
import { findOutages, type RawOutage } from './outages.ts';
import { latencySummary, roundMs } from './percentiles.ts';
import { phaseIndexAt, phaseNameAt, type PhaseWindow } from './phase-lookup.ts';
import { buildSeries } from './series.ts';
import { recordsInWindow } from './window-order.ts';

export interface SummaryWindow {
  /** Only records sent within [fromMs, toMs] count. performance.now() values. */
  fromMs: number;
  toMs: number;
  /** Output offsets (Outage.startMs/endMs, series buckets) are relative to this. */
  originMs: number;
  phases: PhaseWindow[];
  /** Width of a series bucket; by default at most ~600 buckets of at least 50 ms. */
  bucketMs?: number;
}

/** Label of requests whose response carried no X-App-Version (or that got no response). */
export const UNKNOWN_VERSION = 'unknown';

/**
 * Turns one probe's records into the traffic figures of results.json. Latency percentiles are
 * nearest-rank over every request in the window, failed ones included: a request that hung
 * until its timeout is latency a user felt.
 */
export function summarizeTraffic(records: RecordStore, window: SummaryWindow): TrafficSummary {
  const order = recordsInWindow(records, window.fromMs, window.toMs);
  const { phases } = window;
  const phaseOf = new Uint16Array(order.length);
  const phaseRequests = new Uint32Array(phases.length + 1);
  const phaseFailures = new Uint32Array(phases.length + 1);
  const byClass = new Uint32Array(outcomeClasses.length);
  const byUpstreamCause = new Uint32Array(upstreamCauses.length);
  const requestsByVersion = new Uint32Array(records.versionCount);
  const failuresByVersion = new Uint32Array(records.versionCount);
  const durations = new Float32Array(order.length);
  let failures = 0;

  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    const p = phaseIndexAt(phases, records.sentMs(i));
    phaseOf[k] = p;
    durations[k] = records.durationMs(i);
    phaseRequests[p] = (phaseRequests[p] ?? 0) + 1;
    const v = records.versionIndex(i);
    requestsByVersion[v] = (requestsByVersion[v] ?? 0) + 1;
    if (records.failed(i)) {
      failures++;
      phaseFailures[p] = (phaseFailures[p] ?? 0) + 1;
      failuresByVersion[v] = (failuresByVersion[v] ?? 0) + 1;
      const c = records.outcome(i);
      byClass[c] = (byClass[c] ?? 0) + 1;
      const u = records.upstreamCause(i);
      byUpstreamCause[u] = (byUpstreamCause[u] ?? 0) + 1;
    }
  }

  const outages = findOutages(records, order, window.toMs).map((raw) => toOutage(raw, records, window));
  const requests = order.length;
  return {
    requests,
    failures,
    availability: requests === 0 ? 1 : 1 - failures / requests,
    downtimeMs: roundMs(outages.reduce((sum, o) => sum + o.durationMs, 0)),
    longestOutageMs: outages.reduce((longest, o) => Math.max(longest, o.durationMs), 0),
    outages,
    latencyMs: latencySummary(durations.slice()),
    byPhase: byPhase(phases, phaseOf, durations, phaseRequests, phaseFailures),
    failuresByVersion: countsByVersion(records, failuresByVersion),
    failuresByClass: countsByClass(byClass),
    failuresByUpstreamCause: countsByUpstreamCause(byUpstreamCause),
    requestsByVersion: countsByVersion(records, requestsByVersion),
    // Filled in by summarizeProbes, which knows which probe sent what.
    byProbe: {},
    series: buildSeries(records, order, window.originMs, window.toMs, window.bucketMs),
  };
}

function toOutage(raw: RawOutage, records: RecordStore, window: SummaryWindow): Outage {
  return {
    start: isoAt(raw.startMs),
    end: isoAt(raw.endMs),
    startMs: roundMs(raw.startMs - window.originMs),
    endMs: roundMs(raw.endMs - window.originMs),
    durationMs: roundMs(raw.endMs - raw.startMs),
    failures: raw.failures,
    causes: countsByClass(raw.causes),
    upstreamCauses: countsByUpstreamCause(raw.upstreamCauses),
    phase: phaseNameAt(window.phases, phaseIndexAt(window.phases, records.sentMs(raw.firstFailure))),
  };
}

/**
 * Every listed phase appears (with zeros when no request fell in it); "unphased" only when
 * used. Phases sharing a name (verify after the upgrade and after the rollback) are merged.
 */
function byPhase(
  phases: PhaseWindow[],
  phaseOf: Uint16Array,
  durations: Float32Array,
  requests: Uint32Array,
  failures: Uint32Array,
): Record<string, PhaseTraffic> {
  const indicesByName = new Map<string, number[]>();
  for (let p = 0; p <= phases.length; p++) {
    if (p === phases.length && (requests[p] ?? 0) === 0) continue;
    const name = phaseNameAt(phases, p);
    indicesByName.set(name, [...(indicesByName.get(name) ?? []), p]);
  }
  const result: Record<string, PhaseTraffic> = {};
  for (const [name, indices] of indicesByName) {
    const member = new Uint8Array(phases.length + 1);
    let count = 0;
    let failed = 0;
    for (const p of indices) {
      member[p] = 1;
      count += requests[p] ?? 0;
      failed += failures[p] ?? 0;
    }
    const own = new Float32Array(count);
    let n = 0;
    for (let k = 0; k < phaseOf.length; k++) if (member[phaseOf[k] ?? 0]) own[n++] = durations[k] ?? 0;
    result[name] = { requests: count, failures: failed, latencyMs: latencySummary(own) };
  }
  return result;
}

function countsByVersion(records: RecordStore, counts: Uint32Array): Record<string, number> {
  const result: Record<string, number> = {};
  counts.forEach((n, v) => {
    if (n > 0) {
      const name = records.versionName(v) ?? UNKNOWN_VERSION;
      result[name] = (result[name] ?? 0) + n;
    }
  });
  return result;
}

function countsByClass(counts: Uint32Array): Partial<Record<FailureClass, number>> {
  const result: Partial<Record<FailureClass, number>> = {};
  counts.forEach((n, code) => {
    if (n > 0 && code !== 0) {
      const name = failureClassOf(code);
      result[name] = (result[name] ?? 0) + n;
    }
  });
  return result;
}

/** Index 0 (the front door said nothing) is left out: the breakdown names only explained failures. */
function countsByUpstreamCause(counts: Uint32Array): Partial<Record<UpstreamCause, number>> {
  const result: Partial<Record<UpstreamCause, number>> = {};
  counts.forEach((n, code) => {
    const name = upstreamCauseName(code);
    if (n > 0 && name !== null) result[name] = (result[name] ?? 0) + n;
  });
  return result;
}

function isoAt(monotonicMs: number): string {
  return new Date(performance.timeOrigin + monotonicMs).toISOString();
}
