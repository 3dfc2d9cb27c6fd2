import type { Integrity } from '../results.ts';
import type { RecordStore } from './record-store.ts';

export interface ProbeStats {
  /** Completed requests (recorded). */
  requests: number;
  failures: number;
  /** Sent and not yet answered. */
  inFlight: number;
}

/**
 * A started source of synthetic traffic whose every request is recorded (send time, duration,
 * outcome, serving version). One implementation per kind of probe, as sibling files.
 */
export interface RunningProbe extends AsyncDisposable {
  readonly name: string;
  readonly records: RecordStore;
  stats(): ProbeStats;
  /** Schedules nothing more and waits for requests in flight (each bounded by its timeout). */
  stop(): Promise<RecordStore>;
  /** Write probes: reads every acknowledged write back and counts what was lost. */
  checkIntegrity?(): Promise<Integrity>;
}

/** Why a probe did not start on this machine (no browser, no k6 binary): printed, not fatal. */
export class ProbeUnavailable extends Error {
  override readonly name = 'ProbeUnavailable';
}
