// The results.json contract (versioned). Reporters and `report <results.json>` read only this.
// Durations are milliseconds; timestamps are ISO strings.

export const SCHEMA_VERSION = 1;

export type CellStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** A failure class: what went wrong with one request. */
/** `no-endpoints`: a sample of the Kubernetes endpoints probe saw fewer ready endpoints than its minimum. */
export type FailureClass = 'refused' | 'reset' | 'timeout' | 'http-5xx' | 'http-4xx' | 'wrong-body' | 'no-endpoints' | 'other';

/**
 * What the front door saw upstream when it answered a request itself (its X-Upstream-Error
 * header): the replica refused the connection, reset it, did not answer in time, or no member
 * could take the request; `other` for any other upstream error.
 */
export type UpstreamCause = 'refused' | 'reset' | 'timeout' | 'no-member' | 'other';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Outage {
  /** ISO timestamp, and ms since the cell's traffic began. */
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  failures: number;
  /** Failure classes seen in the outage, with counts. */
  causes: Partial<Record<FailureClass, number>>;
  /** Of those, the ones the front door answered itself, by what it saw upstream. Absent in results written before it existed. */
  upstreamCauses?: Partial<Record<UpstreamCause, number>>;
  /** Phase the outage started in. */
  phase: string;
}

/** Downsampled request outcomes for charts: bucket i covers [i*bucketMs, (i+1)*bucketMs) after the cell start (the origin of every *Ms offset). */
export interface TrafficSeries {
  bucketMs: number;
  ok: number[];
  failed: number[];
  /** p95 latency of the bucket's requests (ms), 0 when empty. */
  latencyP95: number[];
}

export interface PhaseTraffic {
  requests: number;
  failures: number;
  latencyMs: LatencySummary;
}

export interface ProbeTraffic {
  requests: number;
  failures: number;
  availability: number;
  longestOutageMs: number;
  latencyMs: LatencySummary;
}

export interface TrafficSummary {
  requests: number;
  failures: number;
  availability: number;
  downtimeMs: number;
  longestOutageMs: number;
  outages: Outage[];
  latencyMs: LatencySummary;
  byPhase: Record<string, PhaseTraffic>;
  failuresByVersion: Record<string, number>;
  failuresByClass: Partial<Record<FailureClass, number>>;
  /**
   * Failures the front door answered itself, by what it saw upstream; failures it did not explain
   * (the app's own errors, client-side timeouts and resets) are not counted. Absent in results
   * written before it existed.
   */
  failuresByUpstreamCause?: Partial<Record<UpstreamCause, number>>;
  /** Requests served by each version (X-App-Version). */
  requestsByVersion: Record<string, number>;
  /** The same figures per probe (http, http-new-connection, write-ledger, browser, k6). */
  byProbe: Record<string, ProbeTraffic>;
  series: TrafficSeries;
}

export interface ErrorBudget {
  slo: number;
  allowedFailures: number;
  consumedFailures: number;
  remaining: number;
}

export interface Integrity {
  writesAcknowledged: number;
  writesLost: number;
  duplicates: number;
  /** Why the lost writes count as lost; present when some were. */
  lostBy?: LostWrites;
  /** A few lost writes by key, each with why, e.g. "ledger-1a2b-17: not found in the answer". */
  lostExamples?: string[];
}

export interface LostWrites {
  /** The read-back found no such write (404, or the pointer did not resolve). */
  notFound: number;
  /** It found the key holding another value. */
  differentValue: number;
  /** The read-back failed (an error status, or no answer) after its retries. */
  errorStatus: number;
}

export interface PhaseSpan {
  name: string;
  start: string;
  end: string;
  startMs: number;
  endMs: number;
}

/** A point on the timeline: a method's step, a migration, a replica that became ready. */
export interface TimelineEvent {
  at: string;
  atMs: number;
  phase: string;
  message: string;
}

export interface GateResult {
  name: string;
  threshold: number;
  actual: number;
  passed: boolean;
  /** Which part of the cell it judged: the upgrade or the rollback. */
  scope: 'upgrade' | 'rollback' | 'cell';
}

export interface CellError {
  code: string;
  message: string;
  hint: string | null;
  /** error: the environment broke (infrastructure); failed: the upgrade itself did not complete. */
  kind: 'infrastructure' | 'product' | 'aborted';
}

export interface RollbackResult {
  traffic: TrafficSummary;
  errorBudget: ErrorBudget;
  integrity: Integrity | null;
  /** Present when a trigger of the matrix's autoRollback started it. */
  automatic?: AutomaticRollback;
}

export interface AutomaticRollback {
  /** What tripped, e.g. "error rate 34% > 5% over the last 5 s, 2 measurements in a row". */
  trigger: string;
  /** From the first failed request the trigger judged (or the upgrade's start, for readiness) to the trigger. */
  detectedAfterMs: number;
  /** From the trigger to the old version serving everything again. */
  recoveredAfterMs: number;
}

export interface CellResult {
  id: string;
  platform: string;
  method: string;
  from: string;
  to: string;
  /** Required stops a chained path went through between from and to (absent or empty: one hop). */
  via?: string[];
  scenario: string;
  status: CellStatus;
  reproduce: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  phases: PhaseSpan[];
  events: TimelineEvent[];
  traffic: TrafficSummary | null;
  errorBudget: ErrorBudget | null;
  integrity: Integrity | null;
  rollback: RollbackResult | null;
  gates: GateResult[];
  error: CellError | null;
  /** Failed and error cells: why, in one line (the error, then each breached gate with its evidence). Absent in older results. */
  cause?: string;
  /** How well the harness could measure: its own lateness and the machine's starvation (absent in older results). */
  measurement?: MeasurementHealth | null;
  /** Folder (relative to the results file) with this cell's logs. */
  logs: string | null;
  /** What the environment was made of, where the platform says (absent otherwise). */
  environment?: EnvironmentFacts;
}

/**
 * The harness judging its own measurement. Failures inside a starved window are not blamed on the
 * product: where they alone broke a gate, or a wait timed out while the machine was starved, the
 * cell is an `error` with code STARVED instead of `failed`.
 */
export interface MeasurementHealth {
  /** How far behind schedule the probes sent their requests. */
  sendLagMs: { p50: number; p99: number; max: number };
  /** Worst delay of the runner's event loop. */
  eventLoopDelayMs: { max: number };
  /** Worst lateness of the sentinel (a process that only sleeps): the machine pausing everything. null: no sentinel ran. */
  sentinelLateMs: { max: number } | null;
  /** Time the run's cgroup was held back by its CPU quota during the cell. */
  cpuThrottledMs: number;
  /** Mean share of time some task of the machine waited for a CPU (PSI), and of CPU time stolen by a hypervisor; null where unknown. */
  cpuPressure: number | null;
  cpuSteal: number | null;
  thresholds: { pauseMs: number; sendLagMs: number; throttledShare: number };
  /** When the harness or the machine was starved, with the worst figure of each cause. */
  starved: StarvedSpan[];
}

export interface StarvedSpan {
  start: string;
  end: string;
  /** ms since the cell began, like outages. */
  startMs: number;
  endMs: number;
  durationMs: number;
  phase: string;
  causes: Partial<Record<'machine-paused' | 'harness-blocked' | 'probes-late' | 'cpu-throttled', number>>;
}

/** What a cell's environment was made of (platform vm: its machines, each kernel as `uname -r` in it). */
export interface EnvironmentFacts {
  machines?: { name: string; kind: string; role: string; kernel: string }[];
}

/** Who ran what, where: enough to trust a report found later as an artifact. */
export interface Provenance {
  harnessVersion: string;
  node: string;
  host: { name: string; cores: number };
  /** The CI job and pipeline from the CI's own variables; nulls on a workstation (then `user`). */
  startedBy: { ci: string | null; jobUrl: string | null; pipeline: string | null; user: string | null };
  /** Relative to the working folder the run started in. */
  matrixFile: string;
  /** `sha256:<hex>` of the matrix and scenario files: shards and resumed runs must agree on them. */
  matrixDigest: string;
  scenarioDigest: string;
  /** The share of the matrix this run took (`run --only`, `--shard`), null for all of it. */
  selection: { only: string | null; shard: string | null };
  /** Set by `merge`: the runs joined into this one. */
  mergedFrom?: { runId: string; shard: string | null; host: string; startedBy: Provenance['startedBy'] }[];
  /** Set by `run --resume`: the cells kept from the interrupted run. */
  resumed?: { runId: string; cellsKept: number };
}

export interface RunResults {
  schemaVersion: typeof SCHEMA_VERSION;
  runId: string;
  matrix: string;
  matrixFile: string;
  startedAt: string;
  finishedAt: string;
  /** Absent in results written before it existed. */
  provenance?: Provenance;
  cells: CellResult[];
}
