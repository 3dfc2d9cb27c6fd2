// The SampleApp's status after a decision, the Kubernetes way: status.version (the installed
// version), status.observedGeneration (the generation reconciled) and three conditions, each with
// its own observedGeneration and a lastTransitionTime that moves only when its status changes.
//
//   Ready           True when status.version == spec.version and the Deployment is rolled out;
//                   stays True while an upgrade or rollback runs (the installed version serves),
//                   False while installing or when the installed version is not rolled out.
//   Progressing     True while working (Installing, EnsuringDatabase, PreMigrating, RollingOut,
//                   PostMigrating, RollingBack); False when done (Complete), refused
//                   (UpgradeRefused) or failed (PreMigrationFailed, PostMigrationFailed, RolloutFailed,
//                   InvalidVersion).
//   UpgradeRefused  True (SkipsRequiredStop) while spec.version skips a required upgrade stop;
//                   False (NoStopSkipped) otherwise.
import type { Decision, Mode, ReconcileInput, Step } from './reconcile.ts';
import type { Condition, ConditionStatus, SampleAppStatus } from './types.ts';

export const READY = 'Ready';
export const PROGRESSING = 'Progressing';
export const UPGRADE_REFUSED = 'UpgradeRefused';

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * `conditions` with `next` in place of the condition of its type (appended when there is none).
 * lastTransitionTime is kept when the status did not change, and is `now` when it did.
 */
export function setCondition(conditions: readonly Condition[], next: ConditionUpdate, generation: number, now: Date): Condition[] {
  const previous = conditions.find((condition) => condition.type === next.type);
  const condition: Condition = {
    type: next.type,
    status: next.status,
    reason: next.reason,
    message: next.message,
    lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    observedGeneration: generation,
  };
  return previous ? conditions.map((existing) => (existing === previous ? condition : existing)) : [...conditions, condition];
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** The status to write after `decision` (taken on `input`) has been carried out. */
export function nextStatus(input: ReconcileInput, decision: Decision, now: Date): SampleAppStatus {
  let conditions = input.status.conditions ?? [];
  for (const update of conditionsFor(input, decision)) conditions = setCondition(conditions, update, input.generation, now);
  const version = decision.kind === 'report' ? decision.version : input.status.version;
  return { ...(version ? { version } : {}), observedGeneration: input.generation, conditions };
}

/** Whether writing `next` over `current` would change anything. */
export function sameStatus(current: SampleAppStatus | undefined, next: SampleAppStatus): boolean {
  return JSON.stringify(normalize(current ?? {})) === JSON.stringify(normalize(next));
}

function normalize(status: SampleAppStatus): unknown {
  return {
    version: status.version ?? null,
    observedGeneration: status.observedGeneration ?? null,
    conditions: [...(status.conditions ?? [])]
      .sort((a, b) => a.type.localeCompare(b.type))
      .map(({ type, status: value, reason, message, lastTransitionTime, observedGeneration }) => ({ type, value, reason, message, lastTransitionTime, observedGeneration })),
  };
}

/** Ready, Progressing and UpgradeRefused as `decision` leaves them. */
export function conditionsFor(input: ReconcileInput, decision: Decision): ConditionUpdate[] {
  return [ready(input, decision), progressing(input, decision), refused(input, decision)];
}

function ready(input: ReconcileInput, decision: Decision): ConditionUpdate {
  const current = input.status.version;
  const target = input.spec.version;
  const make = (status: ConditionStatus, reason: string, message: string): ConditionUpdate => ({ type: READY, status, reason, message });
  if (decision.kind === 'refuse') {
    // Nothing changes: the installed version keeps serving, and Ready says what it said.
    const previous = findCondition(input.status.conditions, READY);
    return previous ? make(previous.status, previous.reason, previous.message) : make('Unknown', 'UpgradeRefused', `${current ?? 'nothing'} is installed`);
  }
  if (decision.kind === 'report' || decision.kind === 'none') return make('True', 'RolledOut', rolledOutMessage(input, decision.version));
  const mode: Mode = decision.mode;
  if (decision.kind === 'fail') {
    if (mode === 'upgrade' || mode === 'rollback') return make('True', decision.reason, `${current} is still installed; going to ${target} stopped: ${decision.message}`);
    return make('False', decision.reason, decision.message);
  }
  switch (mode) {
    case 'install':
      return make('False', 'Installing', `installing ${target}`);
    case 'upgrade':
      return make('True', 'Upgrading', `${current} serves while upgrading to ${target}`);
    case 'rollback':
      return make('True', 'RollingBack', `${current} serves while rolling back to ${target}`);
    case 'steady':
      if (decision.kind === 'ensure-database' || (decision.kind === 'wait' && decision.step === 'database')) return make('False', 'DatabaseNotReady', decision.message);
      return make('False', 'NotRolledOut', decision.kind === 'wait' ? decision.message : `${target} is not rolled out as the spec says`);
  }
}

const STEP_REASONS: Record<Step, string> = {
  database: 'EnsuringDatabase',
  'pre-migration': 'PreMigrating',
  'roll-out': 'RollingOut',
  'post-migration': 'PostMigrating',
  'roll-back': 'RollingBack',
};

function progressing(input: ReconcileInput, decision: Decision): ConditionUpdate {
  const make = (status: ConditionStatus, reason: string, message: string): ConditionUpdate => ({ type: PROGRESSING, status, reason, message });
  switch (decision.kind) {
    case 'refuse':
      return make('False', 'UpgradeRefused', decision.message);
    case 'fail':
      return make('False', decision.reason, decision.message);
    case 'report':
    case 'none':
      return make('False', 'Complete', rolledOutMessage(input, decision.version));
    case 'ensure-database':
      return make('True', decision.mode === 'install' ? 'Installing' : 'EnsuringDatabase', decision.message);
    case 'wait':
      return make('True', decision.step === 'database' && decision.mode === 'install' ? 'Installing' : STEP_REASONS[decision.step], decision.message);
    case 'run-job':
      return make('True', decision.phase === 'pre' ? 'PreMigrating' : 'PostMigrating', `the ${decision.phase}-deployment migration Job ${decision.job} of ${decision.version} runs`);
    case 'roll': {
      const back = decision.cause === 'rollback' || decision.cause === 'restore';
      return make('True', back ? 'RollingBack' : 'RollingOut', `rolling Deployment ${input.name} ${back ? 'back' : 'out'} to ${decision.version}`);
    }
  }
}

function refused(input: ReconcileInput, decision: Decision): ConditionUpdate {
  if (decision.kind === 'refuse') return { type: UPGRADE_REFUSED, status: 'True', reason: 'SkipsRequiredStop', message: decision.message };
  // After a report the installed version is the target: say what the next (steady) pass will say.
  const current = decision.kind === 'report' ? decision.version : input.status.version;
  const target = input.spec.version;
  const message = !current ? `installing ${target} needs no upgrade stop` : current === target ? `${target} is the installed version` : `going from ${current} to ${target} skips no required upgrade stop`;
  return { type: UPGRADE_REFUSED, status: 'False', reason: 'NoStopSkipped', message };
}

function rolledOutMessage(input: ReconcileInput, version: string): string {
  return `${version} is rolled out (${input.spec.replicas}/${input.spec.replicas} replicas available)`;
}
