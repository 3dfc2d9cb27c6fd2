import type { GateThresholds } from '../matrix/cell.ts';
import type { GateResult, Integrity, TrafficSummary } from '../results.ts';

export interface GateMeasures {
  traffic: TrafficSummary;
  /** null when the scenario has no write probe: the lostWrites gate is then skipped. */
  integrity: Integrity | null;
  /** Components (database, front door) restarted or replaced though no method should touch them; null when not checked yet. */
  unintendedRestarts?: number | null;
}

type GateName = keyof GateThresholds;

/** How each gate reads its figure and which side of the threshold passes. */
const gates: Record<GateName, { actual(m: GateMeasures): number | null; passes(actual: number, threshold: number): boolean }> = {
  failedRequests: { actual: (m) => m.traffic.failures, passes: (a, t) => a <= t },
  longestOutageMs: { actual: (m) => m.traffic.longestOutageMs, passes: (a, t) => a <= t },
  availability: { actual: (m) => m.traffic.availability, passes: (a, t) => a >= t },
  p99LatencyMs: { actual: (m) => m.traffic.latencyMs.p99, passes: (a, t) => a <= t },
  lostWrites: { actual: (m) => m.integrity?.writesLost ?? null, passes: (a, t) => a <= t },
  unintendedRestarts: { actual: (m) => m.unintendedRestarts ?? null, passes: (a, t) => a <= t },
};

/** One result per threshold present (in a fixed order), named after its threshold key. */
export function evaluateGates(thresholds: GateThresholds, measured: GateMeasures, scope: GateResult['scope']): GateResult[] {
  const results: GateResult[] = [];
  for (const name of Object.keys(gates) as GateName[]) {
    const threshold = thresholds[name];
    if (threshold === undefined) continue;
    const actual = gates[name].actual(measured);
    if (actual === null) continue;
    results.push({ name, threshold, actual, passed: gates[name].passes(actual, threshold), scope });
  }
  return results;
}
