import type { Cell, CommandSpec, PlatformName } from '../matrix/cell.ts';
import type { MethodContext } from '../methods/upgrade-method.ts';
import type { RunningProbe } from '../traffic/probe.ts';
import type { EnvironmentFacts } from '../results.ts';

/** Where environments run. One implementation per platform, as sibling folders. */
export interface Platform {
  readonly name: PlatformName;
  /**
   * Checks, before any cell starts, that this machine has what the platform's cells need (kind,
   * helm...): a missing tool is an InfrastructureError naming it and how to get it (exit 3).
   */
  preflight?(cells: readonly Cell[]): Promise<void>;
  /** Builds a fresh environment for one cell. The caller disposes it (teardown). */
  provision(cell: Cell, context: ProvisionContext): Promise<Environment>;
}

export interface ProvisionContext {
  runId: string;
  /** Folder for this cell's logs (created by the runner). */
  logDir: string;
  signal: AbortSignal;
  /** A line for the cell's timeline (a step inside the current phase). */
  event(message: string): void;
  /** How many cells of the run may run at once (a cluster shared by the run publishes that many front doors). */
  concurrency: number;
  /**
   * A resource shared by the run's cells (a kind cluster with a namespace per cell): created by the
   * first cell that asks for `key`, disposed once the run's last cell is done.
   */
  shared<T extends AsyncDisposable>(key: string, create: () => Promise<T>): Promise<T>;
  /** Aborted when the whole run is (Ctrl-C), not by one cell's deadline: what shared resources are created under. */
  runSignal: AbortSignal;
}

/**
 * A started environment for one cell. Who moves the application between versions differs by
 * platform: on local and docker the harness orchestrates replicas through a front door
 * (ReplicaPoolEnvironment); on Kubernetes the cluster's own controllers (or Helm) do it and the
 * harness asks and watches. Either way the runner sees one Installation.
 */
export interface Environment extends AsyncDisposable {
  /** Base URL (127.0.0.1) of the front door, or null where none is reachable from this machine (then no HTTP probe runs). */
  readonly trafficUrl: string | null;
  /** Installs `version` by the cell's method, ready to serve; the method then moves it between versions. */
  install(version: string, context: MethodContext): Promise<Installation>;
  /** Probes native to the platform (Kubernetes: the Service's ready endpoints), started beside the HTTP ones. */
  startNativeProbes?(cell: Cell): Promise<RunningProbe[]>;
  /**
   * What no upgrade method may restart or replace (the database, the front door), each with an
   * identity that changes when it is restarted (pid, container id and start time, restart count).
   */
  components(): Promise<ComponentIdentity[]>;
  /** Where a person can look while the environment is kept for inspection (`run --keep`). */
  describe?(): string[];
  /** What the environment is made of, for results.json (the machines of a fleet and their kernels). */
  facts?(): Promise<EnvironmentFacts>;
  /**
   * Runs the scenario's setup command once the first version serves, where the app's commands run
   * ({{dataDir}}, {{databaseUrl}}, {{url}} filled); resolves to its standard output. A failure is
   * an InfrastructureError quoting its log. Platforms without it refuse `setup` in the matrix rules.
   */
  runSetup?(spec: CommandSpec): Promise<string>;
}

/** One application installed in an environment, moved between versions by the cell's method. */
export interface Installation {
  /**
   * Runs a version's pre- or post-deployment migration; throws UpgradeFailedError when it fails.
   * Where the method carries the migration out itself (a Helm hook), returns a line saying so for
   * the timeline instead.
   */
  migrate(version: string, kind: 'pre' | 'post'): Promise<string | void>;
  /** Moves every replica to `to` under traffic; on return all traffic is served by `to`. Also how a rollback returns. */
  upgrade(to: string, context: MethodContext): Promise<void>;
  /** Retires what `upgrade` kept for a fast return (blue-green's old pool), once the new version is verified. */
  finalize?(context: MethodContext): Promise<void>;
  /**
   * What is wrong with the installation itself, seen from the platform, if it should run `expected`
   * everywhere: a replica on another version, one that died. Empty when it is right.
   */
  problems(expected: string): Promise<string[]>;
}

export interface ComponentIdentity {
  name: string;
  identity: string;
}

/** Pre- and post-deployment migrations, and a version's down-migration (`rollback: { command }`). */
export type MigrationKind = 'pre' | 'post' | 'down';

/** An environment where the harness orchestrates: it starts replicas and puts them behind its front door. */
export interface ReplicaPoolEnvironment extends Environment {
  readonly trafficUrl: string;
  readonly frontDoor: FrontDoor;
  /** Runs a version's migration of that kind, if it has one; throws UpgradeFailedError when it fails. */
  migrate(version: string, kind: MigrationKind): Promise<void>;
  /**
   * Copies the cell's state (data folder, database) aside, before an upgrade to a version whose
   * migrations cannot be undone; restoreState puts it back while no replica runs. Each returns a
   * line for the timeline.
   */
  snapshotState(): Promise<string>;
  restoreState(): Promise<string>;
  /**
   * Starts one replica of a version and waits until it reports ready. Not yet in the front door.
   * `signal` (the method's) calls the wait off, as an automatic rollback does; the replica is stopped then.
   */
  startReplica(version: string, signal?: AbortSignal): Promise<Replica>;
}

export interface Replica {
  readonly id: string;
  readonly version: string;
  /** Base URL the harness can reach from the host (verification, inspection); the front door may use another address. */
  readonly url: string;
  /** Its output (quoted when it fails). */
  readonly logFile: string;
  /** SIGTERM, wait up to the scenario's grace period, then kill. Idempotent. */
  stop(): Promise<void>;
  /** True when the process ended without being asked to. */
  readonly exitedUnexpectedly: boolean;
  /** False once it stopped (asked to or not). */
  readonly running: boolean;
}

export interface PoolMember {
  replica: Replica;
  /** Share of traffic relative to the other members; 0 takes no new requests. */
  weight: number;
}

/**
 * The load balancer in front of the replicas. Every change takes effect for the next request
 * before the promise resolves, so a method can rely on "drained" meaning "gets no new requests".
 */
export interface FrontDoor {
  /** Replaces the whole pool at once: the atomic switch of blue-green. */
  setPool(members: PoolMember[]): Promise<void>;
  /** Adds one member (already ready) or changes its weight. */
  upsert(member: PoolMember): Promise<void>;
  /** Stops sending new requests to a member; requests in flight finish. */
  drain(replicaId: string): Promise<void>;
  remove(replicaId: string): Promise<void>;
  members(): PoolMember[];
}
