import type { UpstreamCause } from '../../harness/results.ts';
import { outcomeCode, type OutcomeName } from '../../harness/traffic/outcome.ts';
import { RecordStore } from '../../harness/traffic/record-store.ts';
import { upstreamCauseCode } from '../../harness/traffic/upstream-cause.ts';

export interface Row {
  /** Send time; the schedule is taken to equal it unless given. */
  at: number;
  outcome?: OutcomeName;
  durationMs?: number;
  version?: string | null;
  status?: number;
  scheduledAt?: number;
  /** The front door's X-Upstream-Error on its own answer. */
  upstreamCause?: UpstreamCause;
}

/** A store built by hand, pushed in the given order (completion order, as the driver does). */
export function storeOf(rows: Row[]): RecordStore {
  const store = new RecordStore(4);
  for (const row of rows) {
    const outcome = row.outcome ?? 'ok';
    const status = row.status ?? (outcome === 'ok' ? 200 : outcome === 'http-5xx' ? 503 : outcome === 'http-4xx' ? 404 : 0);
    store.push(row.scheduledAt ?? row.at, row.at, row.durationMs ?? 1, outcomeCode(outcome), status, row.version === undefined ? '1.0.0' : row.version, upstreamCauseCode(row.upstreamCause));
  }
  return store;
}

/** Shorthand: one request every `stepMs` from `startMs`, 'x' failed (reset) and '.' ok. */
export function storeFromPattern(pattern: string, startMs = 0, stepMs = 10): RecordStore {
  return storeOf([...pattern].map((c, k) => ({ at: startMs + k * stepMs, outcome: c === 'x' ? 'reset' : 'ok' })));
}
