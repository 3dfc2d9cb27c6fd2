import type { Cell, PlatformName } from '../matrix/cell.ts';

/** Where environments run. One implementation per platform, as sibling folders. */
export interface Platform {
  readonly name: PlatformName;
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
}

/** A started environment: database, front door, and the replicas the method starts in it. */
export interface Environment extends AsyncDisposable {
  /** Base URL (127.0.0.1) of the front door: all traffic goes here. */
  readonly trafficUrl: string;
  readonly frontDoor: FrontDoor;
  /** Runs a version's pre- or post-deployment migration; throws UpgradeFailedError when it fails. */
  migrate(version: string, kind: 'pre' | 'post'): Promise<void>;
  /** Starts one replica of a version and waits until it reports ready. Not yet in the front door. */
  startReplica(version: string): Promise<Replica>;
  /**
   * What no upgrade method may restart or replace (the database, the front door), each with an
   * identity that changes when it is restarted (pid, container id and start time, restart count).
   */
  components(): Promise<ComponentIdentity[]>;
  /** Where a person can look while the environment is kept for inspection (`run --keep`). */
  describe?(): string[];
}

export interface ComponentIdentity {
  name: string;
  identity: string;
}

export interface Replica {
  readonly id: string;
  readonly version: string;
  /** Base URL the harness can reach from the host (verification, inspection); the front door may use another address. */
  readonly url: string;
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
