// Events on the SampleApp (core/v1, `kubectl describe sampleapp` and `kubectl get events` show
// them), one per step. Which events a decision brings is pure (eventsFor) and each step's event
// comes once: an action is taken once (after it the cluster is different, and the next pass
// decides something else), and the two decisions that repeat while nothing changes (a refusal, a
// failure) post their Warning only when the condition they set is not already saying the same.
import { hostname } from 'node:os';
import type * as k8s from '@kubernetes/client-node';
import type { Decision, ReconcileInput } from './reconcile.ts';
import { findCondition, PROGRESSING, UPGRADE_REFUSED } from './status.ts';
import { jobName } from './objects.ts';
import { API_VERSION, KIND, OPERATOR_NAME, type SampleApp } from './types.ts';

export type EventReason =
  | 'PreMigrationStarted'
  | 'PreMigrationComplete'
  | 'RollingOut'
  | 'RolledOut'
  | 'PostMigrationStarted'
  | 'PostMigrationComplete'
  | 'Upgraded'
  | 'Installed'
  | 'RolledBack'
  | 'UpgradeRefused'
  | 'MigrationFailed'
  | 'RolloutFailed'
  | 'InvalidVersion';

export interface OperatorEvent {
  type: 'Normal' | 'Warning';
  reason: EventReason;
  message: string;
}

/** The events to post once `decision` has been carried out. */
export function eventsFor(input: ReconcileInput, decision: Decision): OperatorEvent[] {
  const normal = (reason: EventReason, message: string): OperatorEvent => ({ type: 'Normal', reason, message });
  const warning = (reason: EventReason, message: string): OperatorEvent => ({ type: 'Warning', reason, message });
  const name = input.name;
  switch (decision.kind) {
    case 'run-job':
      if (decision.phase === 'pre') return [normal('PreMigrationStarted', `pre-deployment migration Job ${decision.job} of ${decision.version} started`)];
      return [
        normal('RolledOut', `Deployment ${name} rolled out ${decision.version} (${input.spec.replicas} replicas)`),
        normal('PostMigrationStarted', `post-deployment migration Job ${decision.job} of ${decision.version} started`),
      ];
    case 'roll':
      switch (decision.cause) {
        case 'install':
        case 'upgrade':
          return [
            normal('PreMigrationComplete', `pre-deployment migration Job ${jobName(name, 'pre', decision.version)} of ${decision.version} complete`),
            normal('RollingOut', `rolling Deployment ${name} out to ${decision.version}${decision.from ? ` from ${decision.from}` : ''} (maxSurge 1, maxUnavailable 0)`),
          ];
        case 'rollback':
          return [normal('RollingOut', `rolling Deployment ${name} back to ${decision.version}${decision.from ? ` from ${decision.from}` : ''}, no migrations`)];
        case 'restore':
          return [normal('RollingOut', `rolling Deployment ${name} ${decision.from ? `from ${decision.from} ` : ''}back to the installed version ${decision.version}`)];
        case 'sync':
          return [];
      }
      break;
    case 'report':
      switch (decision.mode) {
        case 'install':
          return [
            normal('PostMigrationComplete', `post-deployment migration Job ${jobName(name, 'post', decision.version)} of ${decision.version} complete`),
            normal('Installed', `installed ${decision.version}`),
          ];
        case 'upgrade':
          return [
            normal('PostMigrationComplete', `post-deployment migration Job ${jobName(name, 'post', decision.version)} of ${decision.version} complete`),
            normal('Upgraded', `upgraded from ${decision.from} to ${decision.version}`),
          ];
        case 'rollback':
          return [
            normal('RolledOut', `Deployment ${name} rolled out ${decision.version} (${input.spec.replicas} replicas)`),
            normal('RolledBack', `rolled back from ${decision.from} to ${decision.version}`),
          ];
      }
      break;
    case 'refuse': {
      const previous = findCondition(input.status.conditions, UPGRADE_REFUSED);
      if (previous?.status === 'True' && previous.message === decision.message) return [];
      return [warning('UpgradeRefused', decision.message)];
    }
    case 'fail': {
      const previous = findCondition(input.status.conditions, PROGRESSING);
      if (previous?.status === 'False' && previous.reason === decision.reason && previous.message === decision.message) return [];
      return [warning(decision.reason === 'PreMigrationFailed' || decision.reason === 'PostMigrationFailed' ? 'MigrationFailed' : decision.reason, decision.message)];
    }
    case 'ensure-database':
    case 'wait':
    case 'none':
      return [];
  }
  return [];
}

/** Posts `event` on `app` (a core/v1 Event in its namespace). */
export async function postEvent(core: k8s.CoreV1Api, app: SampleApp, event: OperatorEvent, now = new Date()): Promise<void> {
  const namespace = app.metadata?.namespace ?? 'default';
  const name = app.metadata?.name ?? 'sampleapp';
  await core.createNamespacedEvent({
    namespace,
    body: {
      metadata: { generateName: `${name}.`, namespace },
      involvedObject: {
        apiVersion: API_VERSION,
        kind: KIND,
        name,
        namespace,
        uid: app.metadata?.uid,
        resourceVersion: app.metadata?.resourceVersion,
      },
      type: event.type,
      reason: event.reason,
      message: event.message,
      action: event.reason,
      source: { component: OPERATOR_NAME },
      reportingComponent: OPERATOR_NAME,
      reportingInstance: hostname(),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    },
  });
}
