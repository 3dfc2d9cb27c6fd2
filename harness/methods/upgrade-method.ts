import type { Cell, MethodName } from '../matrix/cell.ts';
import type { ReplicaPoolEnvironment, Replica } from '../platforms/platform.ts';
import type { GateResult } from '../results.ts';

/**
 * A method the harness orchestrates itself, on platforms where it starts the replicas and owns the
 * front door (local, docker). One implementation per method, as sibling files. Platforms with an
 * orchestrator of their own (Kubernetes) keep their methods beside them instead.
 */
export interface UpgradeMethod {
  readonly name: MethodName;
  /**
   * Moves every replica in `deployment.live` from its version to `to`, under traffic.
   * On return, all traffic is served by `to`; replicas kept for a fast return (blue-green)
   * go into `deployment.standby`.
   */
  upgrade(deployment: Deployment, to: string, context: MethodContext): Promise<void>;
  /** Stops what `upgrade` kept for a fast return, once the new version is verified. */
  finalize?(deployment: Deployment, context: MethodContext): Promise<void>;
}

/** The replicas of one application in one environment. */
export interface Deployment {
  readonly env: ReplicaPoolEnvironment;
  /** Replicas that serve traffic. */
  live: Replica[];
  /** Replicas kept out of traffic for a fast return (blue-green's old pool). */
  standby: Replica[];
}

export interface MethodContext {
  cell: Cell;
  signal: AbortSignal;
  /** Records a step on the cell's timeline. */
  event(message: string): void;
  /**
   * Gates judged on the traffic since `sinceMs` (performance.now()): a canary's analysis covers the
   * traffic since it began, not a warm-up the release had no part in.
   */
  checkGates(sinceMs: number): GateResult[];
  /** Waits (cancellable by the signal). */
  hold(ms: number): Promise<void>;
}
