// The operator's decisions, as a pure function: from the SampleApp (spec, status, generation), the
// required upgrade stops and what exists in the namespace, the one next action. Level-triggered:
// nothing is remembered between passes, where an install or upgrade stands is read from the
// objects themselves (the Jobs of the target version and their state, the version in the app
// Deployment's pod template and whether it is rolled out, the database's readiness), so an
// operator restarted midway picks up where the last one stopped.
//
// Install (status.version empty):   database -> pre Job -> Deployment + Service -> post Job -> report
// Upgrade (spec newer than status): refuse if a required stop lies strictly between the two;
//                                   else pre Job -> roll the Deployment -> post Job -> report
// Rollback (spec older):            roll the Deployment back (no migrations) -> report
// Same version:                     keep the objects as the spec says (replicas, image, Service)
import type * as k8s from '@kubernetes/client-node';
import { appImage, type Condition, type ResolvedSpec } from './types.ts';
import { compareVersions, parseVersion } from './versions.ts';

export const VERSION_LABEL = 'app.kubernetes.io/version';

export type JobState = 'absent' | 'running' | 'complete' | 'failed' | 'deleting';

export interface JobObservation {
  name: string;
  state: JobState;
  /** Why it failed (the Job's Failed condition), when it did. */
  message?: string;
}

export interface DeploymentObservation {
  /** The app.kubernetes.io/version label of its pod template. */
  version: string | null;
  image: string | null;
  /** spec.replicas of the Deployment. */
  replicas: number | null;
  /** Every replica of the current template updated and available, none of an older one left. */
  rolledOut: boolean;
  /** A rollout that can no longer finish (Progressing False, ProgressDeadlineExceeded): its message. */
  failed: string | null;
  /** "1/2 updated, 1/2 available", for wait messages. */
  progress: string;
}

export interface Observed {
  secret: boolean;
  databaseService: boolean;
  statefulSet: { image: string | null; ready: boolean } | null;
  /** The pre- and post-deployment migration Jobs of spec.version. */
  preJob: JobObservation;
  postJob: JobObservation;
  deployment: DeploymentObservation | null;
  appService: { type: string; nodePort: number | null } | null;
  /** The app's pods of any other version, terminating ones included: still finishing requests. */
  olderPods: string[];
}

export interface ReconcileInput {
  name: string;
  generation: number;
  spec: ResolvedSpec;
  status: { version?: string; conditions?: Condition[] };
  /** Required upgrade stops: every upgrade path must pass through each of them. */
  stops: readonly string[];
  observed: Observed;
}

/** install: status.version empty; upgrade: spec newer (or another build of the same release); rollback: spec older; steady: the same. */
export type Mode = 'install' | 'upgrade' | 'rollback' | 'steady';
export type Step = 'database' | 'pre-migration' | 'roll-out' | 'post-migration' | 'roll-back';
export type FailureReason = 'PreMigrationFailed' | 'PostMigrationFailed' | 'RolloutFailed' | 'InvalidVersion';
/**
 * Why a Deployment is applied: the roll of an install, upgrade or rollback; `restore` puts back the
 * installed version (an upgrade abandoned midway, or someone edited the Deployment); `sync` keeps
 * replicas, image or the Service as the spec says, the version unchanged.
 */
export type RollCause = 'install' | 'upgrade' | 'rollback' | 'restore' | 'sync';

export type Decision =
  | { kind: 'refuse'; mode: 'upgrade'; from: string; to: string; stop: string; message: string }
  | { kind: 'ensure-database'; mode: Mode; message: string }
  | { kind: 'wait'; mode: Mode; step: Step; message: string }
  | { kind: 'run-job'; mode: Mode; phase: 'pre' | 'post'; version: string; job: string }
  | { kind: 'roll'; mode: Mode; version: string; cause: RollCause; from: string | null }
  | { kind: 'report'; mode: Exclude<Mode, 'steady'>; version: string; from: string | null }
  | { kind: 'fail'; mode: Mode; step: Step; reason: FailureReason; message: string }
  | { kind: 'none'; version: string };

/** The first required stop strictly between `from` and `to` (from < stop < to), labels ignored. */
export function skippedStop(from: string, to: string, stops: readonly string[]): string | undefined {
  return [...stops].sort(compareVersions).find((stop) => compareVersions(from, stop) < 0 && compareVersions(stop, to) < 0);
}

export function modeOf(specVersion: string, statusVersion: string | undefined): Mode {
  if (!statusVersion) return 'install';
  if (specVersion === statusVersion) return 'steady';
  const order = compareVersions(specVersion, statusVersion);
  // Another build of the same release (1.1.0 -> 1.1.0-hotfix) runs its migrations: they are idempotent.
  return order < 0 ? 'rollback' : 'upgrade';
}

export function decide(input: ReconcileInput): Decision {
  const { spec, observed } = input;
  const target = spec.version;
  const current = input.status.version || undefined;
  if (!parseVersion(target)) {
    return { kind: 'fail', mode: 'steady', step: 'roll-out', reason: 'InvalidVersion', message: `spec.version ${JSON.stringify(target)} is not a version (MAJOR.MINOR.PATCH[-label])` };
  }
  const mode = current && parseVersion(current) ? modeOf(target, current) : 'install';

  if (mode === 'upgrade' && current) {
    const stop = skippedStop(current, target, input.stops);
    if (stop) {
      return {
        kind: 'refuse',
        mode,
        from: current,
        to: target,
        stop,
        message: `${target} skips the required upgrade stop ${stop}: upgrade to ${stop} first (installed: ${current})`,
      };
    }
  }

  // The database under every mode: the app and its migrations need it.
  const database = databaseStep(input, mode);
  if (database) return database;

  const deployment = observed.deployment;
  const atTarget = deployment?.version === target;

  if (mode === 'install' || mode === 'upgrade') {
    // Once the Deployment's template is at the target, the pre-deployment migration is behind us.
    if (!atTarget) {
      const pre = jobStep(input, mode, 'pre');
      if (pre) return pre;
      return { kind: 'roll', mode, version: target, cause: mode, from: deployment?.version ?? null };
    }
    const rolled = rolloutStep(input, mode, 'roll-out');
    if (rolled) return rolled;
    // A rollout is complete once the old pods are terminating, but they may still serve their
    // last requests: the contract migration waits until no pod of an older version is left.
    if (input.observed.olderPods.length > 0) {
      return { kind: 'wait', mode, step: 'post-migration', message: `waiting for ${input.observed.olderPods.length} pod(s) of an older version to exit before the post-deployment migration (${input.observed.olderPods.join(', ')})` };
    }
    const post = jobStep(input, mode, 'post');
    if (post) return post;
    return { kind: 'report', mode, version: target, from: current ?? null };
  }

  if (mode === 'rollback') {
    if (!atTarget) return { kind: 'roll', mode, version: target, cause: 'rollback', from: deployment?.version ?? null };
    const rolled = rolloutStep(input, mode, 'roll-back');
    if (rolled) return rolled;
    return { kind: 'report', mode, version: target, from: current ?? null };
  }

  // steady: spec.version is the installed version.
  if (!atTarget) return { kind: 'roll', mode, version: target, cause: 'restore', from: deployment?.version ?? null };
  const rolled = rolloutStep(input, mode, 'roll-out');
  if (rolled) return rolled;
  return { kind: 'none', version: target };
}

function databaseStep(input: ReconcileInput, mode: Mode): Decision | undefined {
  const { observed, spec } = input;
  const missing = [
    observed.secret ? null : 'Secret database',
    observed.databaseService ? null : 'Service postgres',
    observed.statefulSet ? null : 'StatefulSet postgres',
  ].filter((part) => part !== null);
  if (missing.length > 0) return { kind: 'ensure-database', mode, message: `creating the database: ${missing.join(', ')}` };
  if (observed.statefulSet && observed.statefulSet.image !== spec.databaseImage) {
    return { kind: 'ensure-database', mode, message: `StatefulSet postgres runs ${observed.statefulSet.image ?? '(no image)'}, the spec says ${spec.databaseImage}` };
  }
  if (!observed.statefulSet?.ready) return { kind: 'wait', mode, step: 'database', message: 'waiting for the database (StatefulSet postgres) to be ready' };
  return undefined;
}

const PHASE_WORDS = { pre: 'pre-deployment', post: 'post-deployment' } as const;

/** The migration Job of the phase: undefined once it is Complete (go on), else what to do about it. */
function jobStep(input: ReconcileInput, mode: Mode, phase: 'pre' | 'post'): Decision | undefined {
  const job = phase === 'pre' ? input.observed.preJob : input.observed.postJob;
  const step: Step = phase === 'pre' ? 'pre-migration' : 'post-migration';
  const words = PHASE_WORDS[phase];
  const version = input.spec.version;
  switch (job.state) {
    case 'complete':
      return undefined;
    case 'absent':
      return { kind: 'run-job', mode, phase, version, job: job.name };
    case 'running':
      return { kind: 'wait', mode, step, message: `waiting for the ${words} migration Job ${job.name} to complete` };
    case 'deleting':
      return { kind: 'wait', mode, step, message: `waiting for the ${words} migration Job ${job.name} to be deleted before it runs again` };
    case 'failed':
      return {
        kind: 'fail',
        mode,
        step,
        reason: phase === 'pre' ? 'PreMigrationFailed' : 'PostMigrationFailed',
        message: `the ${words} migration Job ${job.name} of ${version} failed${job.message ? `: ${job.message}` : ''}; delete the Job to run it again`,
      };
  }
}

/** Undefined when the Deployment is at the target, as the spec says, and rolled out; else what to do. */
function rolloutStep(input: ReconcileInput, mode: Mode, step: Step): Decision | undefined {
  const { spec, observed } = input;
  const deployment = observed.deployment;
  if (!deployment) return undefined;
  const version = spec.version;
  if (deployment.failed) {
    return { kind: 'fail', mode, step, reason: 'RolloutFailed', message: `Deployment ${input.name} cannot roll out ${version}: ${deployment.failed}` };
  }
  if (drifted(input)) return { kind: 'roll', mode, version, cause: 'sync', from: deployment.version };
  if (!deployment.rolledOut) return { kind: 'wait', mode, step, message: `waiting for Deployment ${input.name} to roll out ${version} (${deployment.progress})` };
  return undefined;
}

/** The Deployment or the app Service differ from the spec in something other than the version. */
export function drifted(input: ReconcileInput): boolean {
  const { spec, observed } = input;
  const deployment = observed.deployment;
  const service = observed.appService;
  if (!deployment || !service) return true;
  if (deployment.replicas !== spec.replicas) return true;
  if (deployment.image !== appImage(spec, spec.version)) return true;
  const type = spec.nodePort === null ? 'ClusterIP' : 'NodePort';
  if (service.type !== type) return true;
  return spec.nodePort !== null && service.nodePort !== spec.nodePort;
}

// ---- Observations from the API's objects (pure as well: the operator feeds them what it read) ----

export function observeJob(name: string, job: k8s.V1Job | undefined): JobObservation {
  if (!job) return { name, state: 'absent' };
  if (job.metadata?.deletionTimestamp) return { name, state: 'deleting' };
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) => conditions.find((condition) => condition.type === type && condition.status === 'True');
  if (holds('Complete')) return { name, state: 'complete' };
  const failed = holds('Failed');
  if (failed) return { name, state: 'failed', message: [failed.reason, failed.message].filter(Boolean).join(': ') || undefined };
  return { name, state: 'running' };
}

/** The Deployment as the decisions see it; `wanted` is the SampleApp's spec.replicas. */
export function observeDeployment(deployment: k8s.V1Deployment | undefined, wanted: number): DeploymentObservation | null {
  if (!deployment || deployment.metadata?.deletionTimestamp) return null;
  const status = deployment.status ?? {};
  const generation = deployment.metadata?.generation ?? 0;
  const current = (status.observedGeneration ?? 0) >= generation;
  const replicas = deployment.spec?.replicas ?? null;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const rolledOut = current && updated === wanted && available === wanted && total === wanted && replicas === wanted;
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  const failed = current && progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded' ? (progressing.message ?? 'ProgressDeadlineExceeded') : null;
  return {
    version: deployment.spec?.template.metadata?.labels?.[VERSION_LABEL] ?? null,
    image: deployment.spec?.template.spec?.containers[0]?.image ?? null,
    replicas,
    rolledOut,
    failed,
    progress: current ? `${updated}/${wanted} updated, ${available}/${wanted} available, ${total} in all` : 'the Deployment controller has not seen the change yet',
  };
}

/** Names of the app's pods (those of its Deployment's selector) whose version is not `version`. */
export function observeOlderPods(pods: readonly k8s.V1Pod[], version: string): string[] {
  return pods.filter((pod) => pod.metadata?.labels?.[VERSION_LABEL] !== version).map((pod) => pod.metadata?.name ?? '?');
}

export function observeStatefulSet(statefulSet: k8s.V1StatefulSet | undefined): Observed['statefulSet'] {
  if (!statefulSet || statefulSet.metadata?.deletionTimestamp) return null;
  const status = statefulSet.status;
  const current = (status?.observedGeneration ?? 0) >= (statefulSet.metadata?.generation ?? 0);
  const wanted = statefulSet.spec?.replicas ?? 1;
  return {
    image: statefulSet.spec?.template.spec?.containers[0]?.image ?? null,
    ready: current && (status?.readyReplicas ?? 0) >= wanted && (status?.updatedReplicas ?? wanted) >= wanted,
  };
}

export function observeService(service: k8s.V1Service | undefined): Observed['appService'] {
  if (!service || service.metadata?.deletionTimestamp) return null;
  return { type: service.spec?.type ?? 'ClusterIP', nodePort: service.spec?.ports?.[0]?.nodePort ?? null };
}
