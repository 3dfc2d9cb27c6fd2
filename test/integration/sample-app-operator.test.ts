// The sample app operator (scenarios/sample-app/operator/main.ts) as a process against the rig, a
// real control plane whose Deployment, StatefulSet and Job controllers do the rolling and kwok
// plays the kubelet: install 1.0.0, upgrade to 1.1.0 in order (pre Job complete before the
// Deployment changes, maxUnavailable 0, post Job after the rollout) with the operator restarted
// midway, roll back to 1.0.0 without migrations, refuse 1.0.0 -> 2.0.0 (the stop 1.1.0), exit 0 on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rigGate, useRig } from '../support/rig-gate.ts';

const gate = await rigGate('sample-app operator');
const OPERATOR_DIR = resolve(import.meta.dirname, '../../scenarios/sample-app/operator');
const NS = 'sample-app-operator-it';
const NAME = 'sample-app';
const GROUP = 'sample-app.upgrade-harness.io';
const VERSION = 'v1alpha1';
const PLURAL = 'sampleapps';
const CRD_NAME = `${PLURAL}.${GROUP}`;

interface SampleApp extends k8s.KubernetesObject {
  spec: { version: string; replicas?: number };
  status?: { version?: string; observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string; observedGeneration: number }[] };
}

/** The operator as a child process, its output collected line by line. */
class OperatorProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(kubeconfig: string) {
    this.child = spawn(process.execPath, [resolve(OPERATOR_DIR, 'main.ts'), '--namespace', NS, '--upgrade-stops', '1.1.0'], {
      env: { ...process.env, KUBECONFIG: kubeconfig, OPERATOR_NAMESPACE: '', UPGRADE_STOPS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        this.lines.push(...parts);
        for (const wake of this.#waiters) wake();
      });
    }
  }

  /** Resolves with the first line (from `from` on) that matches. */
  line(pattern: RegExp, timeoutMs = 30_000, from = 0): Promise<string> {
    return new Promise((done, fail) => {
      const check = () => {
        const found = this.lines.slice(from).find((line) => pattern.test(line));
        if (found === undefined) return false;
        finish();
        done(found);
        return true;
      };
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        finish();
        fail(new Error(`no line matching ${pattern} within ${timeoutMs} ms; the operator said:\n${this.lines.join('\n')}`));
      }, timeoutMs);
      this.#waiters.add(wake);
      check();
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = performance.now();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const result = await this.exited;
    return { ...result, ms: performance.now() - started };
  }
}

describe.skipIf(gate.skip)('sample-app operator against the rig', () => {
  const rig = useRig(gate, 'sample-app-operator');
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let batch: k8s.BatchV1Api;
  let custom: k8s.CustomObjectsApi;
  let operator: OperatorProcess | undefined;
  const operators: OperatorProcess[] = [];
  /** When (performance.now()) the test's watches first saw each thing happen. */
  const seen = new Map<string, number>();
  const informers: k8s.Informer<k8s.KubernetesObject>[] = [];

  const startOperator = async () => {
    const started = new OperatorProcess(rig.current.kubeconfig);
    operators.push(started);
    await started.line(/^sample-app-operator watching sample-app-operator-it \(stops 1\.1\.0\)$/);
    return started;
  };
  const readApp = async () => (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: NAME })) as SampleApp;
  const setVersion = async (version: string) => {
    await custom.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: NAME, body: { spec: { version } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    return (await readApp()).metadata?.generation ?? 0;
  };
  const condition = (app: SampleApp, type: string) => app.status?.conditions?.find((c) => c.type === type);
  /** Waits until the SampleApp's status, written for `generation` or later, satisfies `check`. */
  const untilStatus = async (what: string, generation: number, check: (app: SampleApp) => boolean, timeoutMs = 60_000) => {
    let last: SampleApp | undefined;
    await eventually(
      what,
      async () => {
        last = await readApp();
        return (last.status?.observedGeneration ?? 0) >= generation && check(last);
      },
      timeoutMs,
      () => `status: ${JSON.stringify(last?.status)}\noperator:\n${operator?.lines.join('\n')}`,
    );
    return last!;
  };
  const appEvents = async () =>
    // In the order they were written (resourceVersions are etcd revisions on the rig).
    (await core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.kind=SampleApp,involvedObject.name=${NAME}` })).items.sort(
      (a, b) => Number(a.metadata?.resourceVersion ?? 0) - Number(b.metadata?.resourceVersion ?? 0),
    );
  const jobs = async () => (await batch.listNamespacedJob({ namespace: NS })).items;

  beforeAll(async () => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(rig.current.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    batch = kc.makeApiClient(k8s.BatchV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const crd = parse(await readFile(resolve(OPERATOR_DIR, 'crd.yaml'), 'utf8')) as k8s.V1CustomResourceDefinition;
    await k8s.KubernetesObjectApi.makeApiClient(kc).patch(crd, undefined, undefined, 'sample-app-operator-test', true, k8s.PatchStrategy.ServerSideApply);
    const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await eventually('the CRD to be Established', async () => {
      const current = await extensions.readCustomResourceDefinition({ name: CRD_NAME });
      return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    });

    // The test's own watches: the moment each step was first visible.
    const jobInformer = k8s.makeInformer<k8s.V1Job>(kc, `/apis/batch/v1/namespaces/${NS}/jobs`, () => batch.listNamespacedJob({ namespace: NS }));
    const onJob = (job: k8s.V1Job) => {
      if (job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) mark(`job ${job.metadata?.name} complete`);
      mark(`job ${job.metadata?.name} exists`);
    };
    jobInformer.on('add', onJob);
    jobInformer.on('update', onJob);
    const deploymentInformer = k8s.makeInformer<k8s.V1Deployment>(kc, `/apis/apps/v1/namespaces/${NS}/deployments`, () => apps.listNamespacedDeployment({ namespace: NS }));
    const onDeployment = (deployment: k8s.V1Deployment) => {
      const version = deployment.spec?.template.metadata?.labels?.['app.kubernetes.io/version'];
      mark(`deployment template ${version}`);
      const s = deployment.status;
      const replicas = deployment.spec?.replicas;
      if ((s?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1) && s?.updatedReplicas === replicas && s?.availableReplicas === replicas && s?.replicas === replicas) {
        mark(`deployment rolled out ${version}`);
      }
    };
    deploymentInformer.on('add', onDeployment);
    deploymentInformer.on('update', onDeployment);
    for (const informer of [jobInformer, deploymentInformer] as k8s.Informer<k8s.KubernetesObject>[]) {
      informers.push(informer);
      await informer.start();
    }

    operator = await startOperator();
  }, 60_000);

  function mark(what: string): void {
    if (!seen.has(what)) seen.set(what, performance.now());
  }

  afterAll(async () => {
    for (const started of operators) await started.stop('SIGKILL');
    for (const informer of informers) await informer.stop();
    await core?.deleteNamespace({ name: NS }).catch(() => undefined);
    await kc?.makeApiClient(k8s.ApiextensionsV1Api).deleteCustomResourceDefinition({ name: CRD_NAME }).catch(() => undefined);
  }, 30_000);

  it('installs 1.0.0: database, pre Job, Deployment and Service, post Job, then status.version and Ready', async () => {
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: PLURAL,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SampleApp', metadata: { name: NAME }, spec: { version: '1.0.0', replicas: 2 } },
    });
    const app = await untilStatus('1.0.0 installed and Ready', 1, (a) => a.status?.version === '1.0.0' && condition(a, 'Ready')?.status === 'True');
    expect(condition(app, 'Ready')).toMatchObject({ status: 'True', reason: 'RolledOut', observedGeneration: 1 });
    expect(condition(app, 'Progressing')).toMatchObject({ status: 'False', reason: 'Complete' });
    expect(condition(app, 'UpgradeRefused')).toMatchObject({ status: 'False' });
    // The defaults the CRD gives.
    expect(app.spec.replicas).toBe(2);

    const deployment = await apps.readNamespacedDeployment({ name: NAME, namespace: NS });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/version': '1.0.0' });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('upgrade-harness/sample-app:1.0.0');
    expect(deployment.status?.availableReplicas).toBe(2);
    expect(deployment.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'SampleApp', name: NAME, uid: app.metadata?.uid, controller: true, blockOwnerDeletion: true });
    const service = await core.readNamespacedService({ name: NAME, namespace: NS });
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { 'app.kubernetes.io/name': NAME } });
    const secret = await core.readNamespacedSecret({ name: 'database', namespace: NS });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['password', 'url']);
    const statefulSet = await apps.readNamespacedStatefulSet({ name: 'postgres', namespace: NS });
    expect(statefulSet.spec?.template.spec?.containers[0]?.image).toBe('upgrade-harness/postgres:15');
    expect((await jobs()).map((job) => job.metadata?.name).sort()).toEqual(['sample-app-migrate-post-1-0-0', 'sample-app-migrate-pre-1-0-0']);
    // The install's order, as the test's watches saw it.
    expect(seen.get('job sample-app-migrate-pre-1-0-0 complete')!).toBeLessThan(seen.get('deployment template 1.0.0')!);
    expect(seen.get('deployment rolled out 1.0.0')!).toBeLessThan(seen.get('job sample-app-migrate-post-1-0-0 exists')!);
    expect((await appEvents()).map((event) => event.reason)).toEqual(['PreMigrationStarted', 'PreMigrationComplete', 'RollingOut', 'RolledOut', 'PostMigrationStarted', 'PostMigrationComplete', 'Installed']);
  });

  it('upgrades to 1.1.0: pre Job complete before the Deployment changes, rolled with maxUnavailable 0, post Job after; resumes after a restart midway', async () => {
    const eventsBefore = (await appEvents()).length;
    const from = operator!.lines.length;
    const generation = await setVersion('1.1.0');
    // Restart the operator as soon as it has started the upgrade: the next one carries on from what exists.
    await operator!.line(/pre-deployment migration Job sample-app-migrate-pre-1-1-0 created/, 30_000, from);
    const stopped = await operator!.stop();
    expect(stopped.code).toBe(0);
    operator = await startOperator();

    const app = await untilStatus('1.1.0 upgraded', generation, (a) => a.status?.version === '1.1.0' && condition(a, 'Progressing')?.reason === 'Complete');
    expect(condition(app, 'Ready')).toMatchObject({ status: 'True', reason: 'RolledOut', observedGeneration: generation });

    const pre = await batch.readNamespacedJob({ name: 'sample-app-migrate-pre-1-1-0', namespace: NS });
    const post = await batch.readNamespacedJob({ name: 'sample-app-migrate-post-1-1-0', namespace: NS });
    expect(post.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')).toBe(true);
    expect(post.spec?.template.spec?.containers[0]?.command).toEqual(['node', 'app/migrate.mjs', 'post', '1.1.0']);
    expect(post.spec?.template.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': 'sample-app-migrate', 'sample-app.upgrade-harness.io/migration': 'post' });

    // The new ReplicaSet (the 1.1.0 template) was made no earlier than the pre Job's completion (API times are in seconds)...
    const replicaSets = (await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app.kubernetes.io/version=1.1.0' })).items;
    expect(replicaSets).toHaveLength(1);
    const completion = pre.status?.completionTime?.getTime();
    expect(completion).toBeDefined();
    expect(replicaSets[0]!.metadata!.creationTimestamp!.getTime()).toBeGreaterThanOrEqual(completion!);
    // ...and, to the millisecond as the test's watches saw it, the template changed after the Job completed,
    // and the post Job came after the rollout.
    expect(seen.get('job sample-app-migrate-pre-1-1-0 complete')!).toBeLessThan(seen.get('deployment template 1.1.0')!);
    expect(seen.get('deployment rolled out 1.1.0')!).toBeLessThan(seen.get('job sample-app-migrate-post-1-1-0 exists')!);

    const deployment = await apps.readNamespacedDeployment({ name: NAME, namespace: NS });
    expect(deployment.spec?.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec?.template.metadata?.labels?.['app.kubernetes.io/version']).toBe('1.1.0');
    expect(deployment.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });

    // Each step's event once, in order, across the restart.
    expect((await appEvents()).slice(eventsBefore).map((event) => event.reason)).toEqual([
      'PreMigrationStarted',
      'PreMigrationComplete',
      'RollingOut',
      'RolledOut',
      'PostMigrationStarted',
      'PostMigrationComplete',
      'Upgraded',
    ]);
    expect((await appEvents()).at(-1)).toMatchObject({ type: 'Normal', message: 'upgraded from 1.0.0 to 1.1.0', source: { component: 'sample-app-operator' }, reportingComponent: 'sample-app-operator' });
  });

  it('rolls back to 1.0.0 without migrations', async () => {
    const jobsBefore = (await jobs()).length;
    const generation = await setVersion('1.0.0');
    const app = await untilStatus('rolled back to 1.0.0', generation, (a) => a.status?.version === '1.0.0' && condition(a, 'Progressing')?.reason === 'Complete');
    expect(condition(app, 'Ready')).toMatchObject({ status: 'True', reason: 'RolledOut' });
    const deployment = await apps.readNamespacedDeployment({ name: NAME, namespace: NS });
    expect(deployment.spec?.template.metadata?.labels?.['app.kubernetes.io/version']).toBe('1.0.0');
    expect(await jobs()).toHaveLength(jobsBefore);
    expect((await appEvents()).at(-1)).toMatchObject({ reason: 'RolledBack', message: 'rolled back from 1.1.0 to 1.0.0' });
  });

  it('refuses 1.0.0 -> 2.0.0: UpgradeRefused names the stop 1.1.0, one Warning event, the Deployment stays at 1.0.0', async () => {
    const before = await readApp();
    const readyBefore = condition(before, 'Ready');
    const deploymentBefore = await apps.readNamespacedDeployment({ name: NAME, namespace: NS });
    const generation = await setVersion('2.0.0');
    const app = await untilStatus('the upgrade to 2.0.0 refused', generation, (a) => condition(a, 'UpgradeRefused')?.status === 'True');
    const refused = condition(app, 'UpgradeRefused')!;
    expect(refused).toMatchObject({ reason: 'SkipsRequiredStop', observedGeneration: generation });
    expect(refused.message).toContain('2.0.0 skips the required upgrade stop 1.1.0: upgrade to 1.1.0 first');
    expect(app.status?.version).toBe('1.0.0');
    // Ready as it was: 1.0.0 keeps serving.
    expect(condition(app, 'Ready')).toMatchObject({ status: readyBefore?.status, reason: readyBefore?.reason, message: readyBefore?.message });

    // Some passes later (resyncs, the status write's own watch event), still nothing changed and one Warning.
    await sleep(3_000);
    const deployment = await apps.readNamespacedDeployment({ name: NAME, namespace: NS });
    expect(deployment.spec?.template.metadata?.labels?.['app.kubernetes.io/version']).toBe('1.0.0');
    expect(deployment.metadata?.generation).toBe(deploymentBefore.metadata?.generation);
    expect((await jobs()).filter((job) => job.metadata?.name?.endsWith('2-0-0'))).toEqual([]);
    const warnings = (await appEvents()).filter((event) => event.type === 'Warning');
    expect(warnings.map((event) => event.reason)).toEqual(['UpgradeRefused']);
    expect(warnings[0]?.message).toContain('1.1.0');
    expect(warnings[0]?.involvedObject).toMatchObject({ kind: 'SampleApp', apiVersion: `${GROUP}/${VERSION}`, name: NAME, namespace: NS, uid: app.metadata?.uid });
  });

  it('clears the refusal when spec.version returns to 1.0.0', async () => {
    const generation = await setVersion('1.0.0');
    const app = await untilStatus('the refusal cleared', generation, (a) => condition(a, 'UpgradeRefused')?.status === 'False');
    expect(condition(app, 'Ready')).toMatchObject({ status: 'True', observedGeneration: generation });
    expect(condition(app, 'Progressing')).toMatchObject({ status: 'False', reason: 'Complete' });
  });

  it('exits 0 within a second of SIGTERM', async () => {
    const stopped = await operator!.stop('SIGTERM');
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(1_000);
  });
});

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await sleep(200);
  }
}
