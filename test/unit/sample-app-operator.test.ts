// The sample app operator's decisions (scenarios/sample-app/operator/reconcile.ts), its status
// conditions and its events, without a cluster: a small model of the namespace carries out each
// decision (a Job created runs, then completes; a rolled Deployment rolls out) so a whole install
// or upgrade can be followed pass by pass, as the operator would see it.
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventsFor, type OperatorEvent } from '../../scenarios/sample-app/operator/events.ts';
import { appDeployment, appService, jobName, migrationJob, ownerOf, databaseSecret, controllingSampleApp } from '../../scenarios/sample-app/operator/objects.ts';
import { parseCli } from '../../scenarios/sample-app/operator/main.ts';
import {
  decide,
  observeDeployment,
  observeJob,
  skippedStop,
  type Decision,
  type JobState,
  type Observed,
  type ReconcileInput,
} from '../../scenarios/sample-app/operator/reconcile.ts';
import { nextStatus, sameStatus, setCondition } from '../../scenarios/sample-app/operator/status.ts';
import { resolveSpec, type Condition, type SampleApp, type SampleAppStatus } from '../../scenarios/sample-app/operator/types.ts';

const STOPS = ['1.1.0'];
const NAME = 'sample-app';

/** What exists in the namespace: the database, the Deployment, the Service, every Job by name. */
interface World {
  specVersion: string;
  replicas: number;
  generation: number;
  status: SampleAppStatus;
  database: 'absent' | 'starting' | 'ready';
  deployment: { version: string; replicas: number; rolledOut: boolean } | null;
  service: boolean;
  jobs: Map<string, JobState>;
  /** Jobs (by name) that fail instead of completing. */
  failing: Set<string>;
  /** App pods of another version than spec.version, terminating ones included. */
  olderPods: string[];
}

function world(over: Partial<World> = {}): World {
  return { specVersion: '1.0.0', replicas: 2, generation: 1, status: {}, database: 'absent', deployment: null, service: false, jobs: new Map(), failing: new Set(), olderPods: [], ...over };
}

/** A namespace where `version` is installed and rolled out, its Jobs complete. */
function installed(version: string, over: Partial<World> = {}): World {
  const w = world({
    specVersion: version,
    status: { version, observedGeneration: 1, conditions: [] },
    database: 'ready',
    deployment: { version, replicas: 2, rolledOut: true },
    service: true,
    jobs: new Map([
      [jobName(NAME, 'pre', version), 'complete'],
      [jobName(NAME, 'post', version), 'complete'],
    ]),
    ...over,
  });
  // The conditions a steady pass would write.
  w.status = nextStatus(inputOf(w), decide(inputOf(w)), new Date('2024-01-01T00:00:00Z'));
  return w;
}

function inputOf(w: World, stops: readonly string[] = STOPS): ReconcileInput {
  const spec = resolveSpec({ version: w.specVersion, replicas: w.replicas });
  const job = (phase: 'pre' | 'post') => {
    const name = jobName(NAME, phase, w.specVersion);
    return { name, state: w.jobs.get(name) ?? 'absent', ...(w.jobs.get(name) === 'failed' ? { message: 'BackoffLimitExceeded: Job has reached the specified backoff limit' } : {}) };
  };
  const observed: Observed = {
    secret: w.database !== 'absent',
    databaseService: w.database !== 'absent',
    statefulSet: w.database === 'absent' ? null : { image: spec.databaseImage, ready: w.database === 'ready' },
    preJob: job('pre'),
    postJob: job('post'),
    deployment: w.deployment
      ? {
          version: w.deployment.version,
          image: `upgrade-harness/sample-app:${w.deployment.version}`,
          replicas: w.deployment.replicas,
          rolledOut: w.deployment.rolledOut,
          failed: null,
          progress: w.deployment.rolledOut ? '2/2' : '1/2',
        }
      : null,
    appService: w.service ? { type: 'ClusterIP', nodePort: null } : null,
    olderPods: w.olderPods,
  };
  return { name: NAME, generation: w.generation, spec, status: w.status, stops, observed };
}

/** "run-job pre 1.1.0", "wait roll-out": a decision, short. */
function label(decision: Decision): string {
  switch (decision.kind) {
    case 'run-job':
      return `run-job ${decision.phase} ${decision.version}`;
    case 'roll':
      return `roll ${decision.version}`;
    case 'report':
      return `report ${decision.version}`;
    case 'wait':
      return `wait ${decision.step}`;
    case 'fail':
      return `fail ${decision.reason}`;
    default:
      return decision.kind;
  }
}

interface Pass {
  decision: Decision;
  events: OperatorEvent[];
  status: SampleAppStatus;
  /** The world as the decision found it. */
  before: { deployment: World['deployment']; jobs: Map<string, JobState> };
}

/**
 * Runs passes until the operator rests (none, refuse or fail twice in a row): each decision is
 * carried out on the world, each wait ends with what was awaited happening. Time moves one second per pass.
 */
function run(w: World, stops: readonly string[] = STOPS, maxPasses = 30): Pass[] {
  const passes: Pass[] = [];
  let clock = Date.parse('2024-06-01T00:00:00Z');
  for (let i = 0; i < maxPasses; i++) {
    const input = inputOf(w, stops);
    const decision = decide(input);
    const before = { deployment: w.deployment && { ...w.deployment }, jobs: new Map(w.jobs) };
    const events = eventsFor(input, decision);
    carryOut(w, decision);
    w.status = nextStatus(input, decision, new Date((clock += 1000)));
    passes.push({ decision, events, status: w.status, before });
    const resting = decision.kind === 'none' || decision.kind === 'refuse' || decision.kind === 'fail';
    if (resting && passes.length >= 2 && passes.at(-2)?.decision.kind === decision.kind) return passes;
  }
  throw new Error(`no rest after ${maxPasses} passes: ${passes.map((pass) => label(pass.decision)).join(', ')}`);
}

function carryOut(w: World, decision: Decision): void {
  switch (decision.kind) {
    case 'ensure-database':
      w.database = 'starting';
      return;
    case 'run-job':
      w.jobs.set(decision.job, 'running');
      return;
    case 'roll':
      w.deployment = { version: decision.version, replicas: w.replicas, rolledOut: false };
      w.service = true;
      return;
    case 'wait':
      // What was awaited happens.
      if (decision.step === 'database') w.database = 'ready';
      else if (decision.step === 'pre-migration' || decision.step === 'post-migration') {
        const name = jobName(NAME, decision.step === 'pre-migration' ? 'pre' : 'post', w.specVersion);
        w.jobs.set(name, w.failing.has(name) ? 'failed' : 'complete');
      } else if (w.deployment) w.deployment.rolledOut = true;
      return;
    default:
      return;
  }
}

const labels = (passes: Pass[]) => passes.map((pass) => label(pass.decision));
const events = (passes: Pass[]) => passes.flatMap((pass) => pass.events.map((event) => `${event.type} ${event.reason}`));
const condition = (status: SampleAppStatus, type: string) => status.conditions?.find((c) => c.type === type);

describe('sample-app operator: fresh install', () => {
  it('database first, then the pre Job, the Deployment, the post Job, and the report last', () => {
    const passes = run(world({ specVersion: '1.0.0' }));
    expect(labels(passes)).toEqual([
      'ensure-database',
      'wait database',
      'run-job pre 1.0.0',
      'wait pre-migration',
      'roll 1.0.0',
      'wait roll-out',
      'run-job post 1.0.0',
      'wait post-migration',
      'report 1.0.0',
      'none',
      'none',
    ]);
    expect(passes.at(-1)?.status.version).toBe('1.0.0');
    expect(events(passes)).toEqual([
      'Normal PreMigrationStarted',
      'Normal PreMigrationComplete',
      'Normal RollingOut',
      'Normal RolledOut',
      'Normal PostMigrationStarted',
      'Normal PostMigrationComplete',
      'Normal Installed',
    ]);
  });

  it('Ready False (Installing) until the report, then True; Progressing names each step', () => {
    const passes = run(world({ specVersion: '1.0.0' }));
    const reasons = passes.map((pass) => `${condition(pass.status, 'Ready')?.status}/${condition(pass.status, 'Progressing')?.reason}`);
    expect(reasons).toEqual([
      'False/Installing',
      'False/Installing',
      'False/PreMigrating',
      'False/PreMigrating',
      'False/RollingOut',
      'False/RollingOut',
      'False/PostMigrating',
      'False/PostMigrating',
      'True/Complete',
      'True/Complete',
      'True/Complete',
    ]);
    expect(condition(passes.at(-1)!.status, 'UpgradeRefused')?.status).toBe('False');
    expect(passes.at(-1)?.status.observedGeneration).toBe(1);
  });

  it('waits for the database to be ready before the pre Job', () => {
    const input = inputOf(world({ database: 'starting' }));
    expect(decide(input)).toMatchObject({ kind: 'wait', step: 'database' });
  });

  it('a fresh install may go straight to a version past a stop (migrations run every pending one)', () => {
    const passes = run(world({ specVersion: '2.0.0' }));
    expect(labels(passes)).toContain('run-job pre 2.0.0');
    expect(passes.at(-1)?.status.version).toBe('2.0.0');
  });
});

describe('sample-app operator: upgrade 1.0.0 -> 1.1.0', () => {
  it('pre Job, roll only after it completes, post only after the rollout, report last', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.generation = 2;
    const passes = run(w);
    expect(labels(passes)).toEqual(['run-job pre 1.1.0', 'wait pre-migration', 'roll 1.1.0', 'wait roll-out', 'run-job post 1.1.0', 'wait post-migration', 'report 1.1.0', 'none', 'none']);
    // No Deployment change before the pre Job is complete.
    const rollAt = passes.findIndex((pass) => pass.decision.kind === 'roll');
    for (const pass of passes.slice(0, rollAt)) expect(pass.before.deployment?.version).toBe('1.0.0');
    expect(passes[rollAt]?.before.jobs.get('sample-app-migrate-pre-1-1-0')).toBe('complete');
    // The post Job only once the Deployment is rolled out at 1.1.0.
    const postAt = passes.findIndex((pass) => pass.decision.kind === 'run-job' && pass.decision.phase === 'post');
    expect(passes[postAt]?.before.deployment).toEqual({ version: '1.1.0', replicas: 2, rolledOut: true });
    // status.version only at the end.
    expect(passes.slice(0, -3).every((pass) => pass.status.version === '1.0.0')).toBe(true);
    expect(passes.at(-1)?.status).toMatchObject({ version: '1.1.0', observedGeneration: 2 });
  });

  it('the post Job waits, once the rollout is complete, until no pod of the old version is left, terminating ones included', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.generation = 2;
    w.jobs.set(jobName(NAME, 'pre', '1.1.0'), 'complete');
    w.deployment = { version: '1.1.0', replicas: 2, rolledOut: true };
    w.olderPods = ['sample-app-65895b97cf-7htwr'];
    const waiting = decide(inputOf(w));
    expect(waiting).toMatchObject({ kind: 'wait', step: 'post-migration' });
    expect(waiting.kind === 'wait' && waiting.message).toMatch(/1 pod\(s\) of an older version .*sample-app-65895b97cf-7htwr/);
    w.olderPods = [];
    expect(label(decide(inputOf(w)))).toBe('run-job post 1.1.0');
  });

  it('Ready stays True (Upgrading) while the old version serves; events once per step, Upgraded last', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.generation = 2;
    const passes = run(w);
    expect(passes.slice(0, 6).map((pass) => `${condition(pass.status, 'Ready')?.status}/${condition(pass.status, 'Ready')?.reason}`)).toEqual(Array(6).fill('True/Upgrading'));
    expect(condition(passes.at(-1)!.status, 'Ready')).toMatchObject({ status: 'True', reason: 'RolledOut' });
    expect(condition(passes[0]!.status, 'Ready')?.message).toBe('1.0.0 serves while upgrading to 1.1.0');
    expect(passes.map((pass) => condition(pass.status, 'Progressing')?.reason)).toEqual([
      'PreMigrating',
      'PreMigrating',
      'RollingOut',
      'RollingOut',
      'PostMigrating',
      'PostMigrating',
      'Complete',
      'Complete',
      'Complete',
    ]);
    expect(events(passes)).toEqual([
      'Normal PreMigrationStarted',
      'Normal PreMigrationComplete',
      'Normal RollingOut',
      'Normal RolledOut',
      'Normal PostMigrationStarted',
      'Normal PostMigrationComplete',
      'Normal Upgraded',
    ]);
    expect(passes.flatMap((pass) => pass.events).find((event) => event.reason === 'Upgraded')?.message).toBe('upgraded from 1.0.0 to 1.1.0');
  });

  it('resumes midway from what exists (an operator restarted while the new Deployment rolls out)', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.jobs.set('sample-app-migrate-pre-1-1-0', 'complete');
    w.deployment = { version: '1.1.0', replicas: 2, rolledOut: false };
    // No memory: the decision comes from the objects alone.
    expect(decide(inputOf(w))).toMatchObject({ kind: 'wait', step: 'roll-out' });
    w.deployment.rolledOut = true;
    expect(decide(inputOf(w))).toEqual({ kind: 'run-job', mode: 'upgrade', phase: 'post', version: '1.1.0', job: 'sample-app-migrate-post-1-1-0' });
  });

  it('a running pre Job is waited on, never created twice', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.jobs.set('sample-app-migrate-pre-1-1-0', 'running');
    expect(decide(inputOf(w))).toMatchObject({ kind: 'wait', step: 'pre-migration' });
  });
});

describe('sample-app operator: required upgrade stops', () => {
  it('refuses 1.0.0 -> 2.0.0, naming the stop, and changes nothing', () => {
    const w = installed('1.0.0');
    const before = JSON.stringify({ deployment: w.deployment, jobs: [...w.jobs] });
    const ready = condition(w.status, 'Ready');
    w.specVersion = '2.0.0';
    w.generation = 2;
    const passes = run(w);
    expect(labels(passes)).toEqual(['refuse', 'refuse']);
    expect(passes[0]?.decision).toMatchObject({ kind: 'refuse', stop: '1.1.0', message: expect.stringContaining('2.0.0 skips the required upgrade stop 1.1.0: upgrade to 1.1.0 first') });
    expect(JSON.stringify({ deployment: w.deployment, jobs: [...w.jobs] })).toBe(before);
    const status = passes.at(-1)!.status;
    expect(status.version).toBe('1.0.0');
    expect(condition(status, 'UpgradeRefused')).toMatchObject({ status: 'True', reason: 'SkipsRequiredStop', observedGeneration: 2 });
    expect(condition(status, 'UpgradeRefused')?.message).toContain('1.1.0');
    // Ready as it was: the old version keeps serving.
    expect(condition(status, 'Ready')).toMatchObject({ status: ready?.status, reason: ready?.reason, lastTransitionTime: ready?.lastTransitionTime });
    // One Warning, not one per pass.
    expect(events(passes)).toEqual(['Warning UpgradeRefused']);
  });

  it('allows 1.1.0 -> 2.0.0', () => {
    const w = installed('1.1.0');
    w.specVersion = '2.0.0';
    const passes = run(w);
    expect(labels(passes)[0]).toBe('run-job pre 2.0.0');
    expect(passes.at(-1)?.status.version).toBe('2.0.0');
  });

  it('clears UpgradeRefused when spec.version goes back to the installed version', () => {
    const w = installed('1.0.0');
    w.specVersion = '2.0.0';
    w.generation = 2;
    run(w);
    expect(condition(w.status, 'UpgradeRefused')?.status).toBe('True');
    w.specVersion = '1.0.0';
    w.generation = 3;
    const passes = run(w);
    expect(labels(passes)).toEqual(['none', 'none']);
    expect(condition(w.status, 'UpgradeRefused')).toMatchObject({ status: 'False', observedGeneration: 3 });
    expect(condition(w.status, 'Progressing')).toMatchObject({ status: 'False', reason: 'Complete' });
    expect(events(passes)).toEqual([]);
  });

  it('compares a -label version like its release: 1.1.0-never-ready is no skip, 2.0.0-x from 1.0.0 is', () => {
    expect(skippedStop('1.0.0', '1.1.0-never-ready', STOPS)).toBeUndefined();
    expect(skippedStop('1.1.0-never-ready', '2.0.0', STOPS)).toBeUndefined();
    expect(skippedStop('1.0.0', '2.0.0-never-ready', STOPS)).toBe('1.1.0');
    expect(skippedStop('1.0.0', '2.0.0', ['1.1.0-hotfix'])).toBe('1.1.0-hotfix');
    const w = installed('1.0.0');
    w.specVersion = '1.1.0-never-ready';
    expect(decide(inputOf(w))).toMatchObject({ kind: 'run-job', phase: 'pre', version: '1.1.0-never-ready', job: 'sample-app-migrate-pre-1-1-0-never-ready' });
    w.specVersion = '2.0.0-never-ready';
    expect(decide(inputOf(w))).toMatchObject({ kind: 'refuse', stop: '1.1.0' });
  });

  it('names the first of several skipped stops', () => {
    expect(skippedStop('1.0.0', '3.0.0', ['2.3.0', '1.1.0'])).toBe('1.1.0');
    expect(skippedStop('1.1.0', '3.0.0', ['2.3.0', '1.1.0'])).toBe('2.3.0');
    expect(skippedStop('1.0.0', '1.1.0', ['1.1.0'])).toBeUndefined();
  });
});

describe('sample-app operator: rollback', () => {
  it('rolls the Deployment back without migrations and reports', () => {
    const w = installed('1.1.0');
    w.specVersion = '1.0.0';
    w.generation = 2;
    const passes = run(w);
    expect(labels(passes)).toEqual(['roll 1.0.0', 'wait roll-back', 'report 1.0.0', 'none', 'none']);
    expect(passes.some((pass) => pass.decision.kind === 'run-job')).toBe(false);
    expect(w.status.version).toBe('1.0.0');
    expect(condition(passes[0]!.status, 'Progressing')?.reason).toBe('RollingBack');
    expect(condition(passes[0]!.status, 'Ready')).toMatchObject({ status: 'True', reason: 'RollingBack' });
    expect(events(passes)).toEqual(['Normal RollingOut', 'Normal RolledOut', 'Normal RolledBack']);
  });

  it('puts the installed version back when spec.version returns to it midway through an upgrade', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.0.0';
    w.deployment = { version: '1.1.0', replicas: 2, rolledOut: false };
    expect(decide(inputOf(w))).toMatchObject({ kind: 'roll', version: '1.0.0', cause: 'restore', from: '1.1.0' });
  });
});

describe('sample-app operator: a failed Job', () => {
  it('a failed pre Job stops the upgrade: no roll, Progressing False PreMigrationFailed, one Warning', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.failing.add('sample-app-migrate-pre-1-1-0');
    const passes = run(w);
    expect(labels(passes)).toEqual(['run-job pre 1.1.0', 'wait pre-migration', 'fail PreMigrationFailed', 'fail PreMigrationFailed']);
    expect(w.deployment?.version).toBe('1.0.0');
    expect(condition(w.status, 'Progressing')).toMatchObject({ status: 'False', reason: 'PreMigrationFailed' });
    expect(condition(w.status, 'Progressing')?.message).toContain('sample-app-migrate-pre-1-1-0');
    expect(condition(w.status, 'Progressing')?.message).toContain('BackoffLimitExceeded');
    expect(w.status.version).toBe('1.0.0');
    expect(events(passes)).toEqual(['Normal PreMigrationStarted', 'Warning MigrationFailed']);
  });

  it('a failed post Job: PostMigrationFailed, no report', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.failing.add('sample-app-migrate-post-1-1-0');
    const passes = run(w);
    expect(labels(passes).slice(-2)).toEqual(['fail PostMigrationFailed', 'fail PostMigrationFailed']);
    expect(w.status.version).toBe('1.0.0');
    expect(condition(w.status, 'Progressing')?.reason).toBe('PostMigrationFailed');
  });

  it('runs the Job again once the failed one is deleted', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    w.jobs.set('sample-app-migrate-pre-1-1-0', 'failed');
    expect(decide(inputOf(w)).kind).toBe('fail');
    w.jobs.delete('sample-app-migrate-pre-1-1-0');
    expect(decide(inputOf(w))).toMatchObject({ kind: 'run-job', phase: 'pre' });
  });
});

describe('sample-app operator: same version', () => {
  it('nothing to do when everything is rolled out: Ready True', () => {
    const w = installed('1.1.0');
    expect(decide(inputOf(w))).toEqual({ kind: 'none', version: '1.1.0' });
    expect(condition(w.status, 'Ready')).toMatchObject({ status: 'True', reason: 'RolledOut' });
    expect(condition(w.status, 'Progressing')).toMatchObject({ status: 'False', reason: 'Complete' });
  });

  it('follows spec.replicas and puts back a deleted database', () => {
    const w = installed('1.1.0', { replicas: 3 });
    expect(decide(inputOf(w))).toMatchObject({ kind: 'roll', version: '1.1.0', cause: 'sync' });
    const gone = installed('1.1.0');
    gone.database = 'absent';
    expect(decide(inputOf(gone))).toMatchObject({ kind: 'ensure-database' });
  });

  it('a steady pass after the report writes nothing new', () => {
    const w = installed('1.0.0');
    w.specVersion = '1.1.0';
    const passes = run(w);
    const reportAt = passes.findIndex((pass) => pass.decision.kind === 'report');
    expect(sameStatus(passes[reportAt]!.status, passes[reportAt + 1]!.status)).toBe(true);
  });
});

describe('sample-app operator: conditions', () => {
  const generation = 4;
  const start: Condition[] = [{ type: 'Ready', status: 'True', reason: 'RolledOut', message: 'a', lastTransitionTime: '2024-01-01T00:00:00Z', observedGeneration: 3 }];

  it('keeps lastTransitionTime while the status stays, and updates reason, message and observedGeneration', () => {
    const next = setCondition(start, { type: 'Ready', status: 'True', reason: 'Upgrading', message: 'b' }, generation, new Date('2024-02-02T10:00:00.123Z'));
    expect(next).toEqual([{ type: 'Ready', status: 'True', reason: 'Upgrading', message: 'b', lastTransitionTime: '2024-01-01T00:00:00Z', observedGeneration: 4 }]);
  });

  it('moves lastTransitionTime when the status changes (seconds, as metav1.Time has them)', () => {
    const next = setCondition(start, { type: 'Ready', status: 'False', reason: 'NotRolledOut', message: 'c' }, generation, new Date('2024-02-02T10:00:00.123Z'));
    expect(next[0]?.lastTransitionTime).toBe('2024-02-02T10:00:00Z');
  });

  it('appends a condition of a new type and leaves the others alone', () => {
    const next = setCondition(start, { type: 'UpgradeRefused', status: 'False', reason: 'NoStopSkipped', message: '' }, generation, new Date('2024-02-02T10:00:00Z'));
    expect(next.map((c) => c.type)).toEqual(['Ready', 'UpgradeRefused']);
    expect(next[0]).toBe(start[0]);
  });

  it('a refusal keeps Ready as it was, with the new observedGeneration', () => {
    const w = installed('1.0.0');
    w.specVersion = '2.0.0';
    w.generation = 5;
    const status = nextStatus(inputOf(w), decide(inputOf(w)), new Date('2030-01-01T00:00:00Z'));
    const before = condition(w.status, 'Ready')!;
    expect(condition(status, 'Ready')).toEqual({ ...before, observedGeneration: 5 });
    expect(condition(status, 'Progressing')).toMatchObject({ status: 'False', reason: 'UpgradeRefused' });
  });
});

describe('sample-app operator: observations', () => {
  const job = (conditions: k8s.V1JobCondition[]): k8s.V1Job => ({ metadata: { name: 'j' }, status: { conditions } });
  it('reads a Job as running, complete or failed', () => {
    expect(observeJob('j', undefined).state).toBe('absent');
    expect(observeJob('j', job([])).state).toBe('running');
    expect(observeJob('j', job([{ type: 'Complete', status: 'True' }])).state).toBe('complete');
    expect(observeJob('j', job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'no' }]))).toEqual({ name: 'j', state: 'failed', message: 'BackoffLimitExceeded: no' });
  });

  it('a Deployment is rolled out only when its controller saw the change and every replica is updated and available', () => {
    const owner = { name: NAME, namespace: 'ns', uid: 'u' };
    const deployment = appDeployment(owner, resolveSpec({ version: '1.1.0' }), '1.1.0');
    deployment.metadata!.generation = 2;
    const done = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
    expect(observeDeployment({ ...deployment, status: done }, 2)).toMatchObject({ version: '1.1.0', image: 'upgrade-harness/sample-app:1.1.0', rolledOut: true });
    expect(observeDeployment({ ...deployment, status: { ...done, observedGeneration: 1 } }, 2)?.rolledOut).toBe(false);
    // An old replica still counted (the surge): not yet.
    expect(observeDeployment({ ...deployment, status: { ...done, replicas: 3 } }, 2)?.rolledOut).toBe(false);
    expect(observeDeployment({ ...deployment, status: { ...done, availableReplicas: 1 } }, 2)?.rolledOut).toBe(false);
    // spec.replicas changed on the SampleApp, not yet on the Deployment.
    expect(observeDeployment({ ...deployment, status: done }, 3)?.rolledOut).toBe(false);
  });
});

describe('sample-app operator: objects', () => {
  const app: SampleApp = { apiVersion: 'sample-app.upgrade-harness.io/v1alpha1', kind: 'SampleApp', metadata: { name: NAME, namespace: 'ns', uid: 'uid-1' }, spec: { version: '1.1.0' } };
  const owner = ownerOf(app);
  const spec = resolveSpec(app.spec);

  it('the Deployment rolls one surge replica at a time, none unavailable, and carries the version label', () => {
    const deployment = appDeployment(owner, spec, '1.1.0');
    expect(deployment.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec?.template.metadata?.labels).toEqual({ 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/version': '1.1.0' });
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.metadata?.ownerReferences).toEqual([{ apiVersion: 'sample-app.upgrade-harness.io/v1alpha1', kind: 'SampleApp', name: NAME, uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
    expect(deployment.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('sample-app-operator');
    expect(controllingSampleApp(deployment)).toBe(NAME);
  });

  it('the Jobs: named by phase and version, labelled so the Service never selects them', () => {
    const job = migrationJob(owner, spec, 'pre', '1.1.0');
    expect(job.metadata?.name).toBe('sample-app-migrate-pre-1-1-0');
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
    expect(job.spec?.template.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': 'sample-app-migrate', 'sample-app.upgrade-harness.io/migration': 'pre' });
    expect(job.spec?.template.spec?.containers[0]?.command).toEqual(['node', 'app/migrate.mjs', 'pre', '1.1.0']);
    expect(appService(owner, spec).spec?.selector).toEqual({ 'app.kubernetes.io/name': NAME });
  });

  it('the Service: NodePort when spec.service.nodePort is set, ClusterIP otherwise', () => {
    expect(appService(owner, spec).spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    expect(appService(owner, resolveSpec({ version: '1.1.0', service: { nodePort: 30080 } })).spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 30080 }] });
  });

  it('the Secret: the password in the url', () => {
    expect(databaseSecret(owner, 'pw').stringData).toEqual({ password: 'pw', url: 'postgres://sample:pw@postgres:5432/sample' });
  });
});

describe('sample-app operator: command line', () => {
  it('takes the namespace and stops from arguments, else from the environment', () => {
    expect(parseCli(['--namespace', 'ns', '--upgrade-stops', '2.3.0,1.1.0'], {})).toEqual({ namespace: 'ns', stops: ['1.1.0', '2.3.0'] });
    expect(parseCli([], { OPERATOR_NAMESPACE: 'pod-ns', UPGRADE_STOPS: '1.1.0' })).toEqual({ namespace: 'pod-ns', stops: ['1.1.0'] });
    expect(parseCli(['--namespace', 'ns'], {})).toEqual({ namespace: 'ns', stops: [] });
  });

  it('refuses a missing namespace and a stop that is not a version (an unfilled placeholder)', () => {
    expect(() => parseCli([], {})).toThrow(/no namespace/);
    expect(() => parseCli(['--namespace', 'ns', '--upgrade-stops', '{{upgradeStops}}'], {})).toThrow(/not a version/);
    expect(() => parseCli(['--bogus'], {})).toThrow();
  });
});
