// matrices/operator.yaml through the CLI against a real control plane (the rig), with the
// reference operator running as a process: the harness only changes spec.version of a SampleApp,
// and what the operator did is checked on the cell's timeline, in order, against the cluster's
// own objects: the pre-deployment Job finished before the first pod of the new version, the post-
// deployment Job after the last old pod was gone, the refusal of a skipped stop changed nothing.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CellResult, RunResults } from '../../harness/results.ts';
import { dnsLabel, HOST_LABEL, RUN_LABEL } from '../../harness/platforms/kubernetes/names.ts';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { waitFor } from '../../harness/util/wait-for.ts';
import { projectRoot, readResults, runCli, tempOut, type CliResult } from '../support/cli.ts';
import { crdNames, existingNamespaces, namespacesCreated, namespacesOfRun } from '../support/kube-namespaces.ts';
import { rigGate, useRig } from '../support/rig-gate.ts';

const MATRIX = 'matrices/operator.yaml';
const gate = await rigGate('operator-matrix.test.ts');
const RUN_TIMEOUT_MS = 8 * 60_000;
const CRD = 'sampleapps.sample-app.upgrade-harness.io';

describe.skipIf(gate.skip)(`${MATRIX} on the rig`, () => {
  const rig = useRig(gate, 'rig-operator-matrix');
  let out: Awaited<ReturnType<typeof tempOut>>;
  let run: CliResult;
  let results: RunResults;
  const cell = (from: string, to: string): CellResult => {
    const found = results.cells.find((candidate) => candidate.from === from && candidate.to === to);
    if (!found) throw new Error(`no ${from} -> ${to} cell in ${results.cells.map((c) => c.id).join(', ')}`);
    return found;
  };
  const lines = (c: CellResult) => c.events.map((event) => `${event.phase}: ${event.message}`);
  /** Index of the first event of `phase` (any phase when null) matching `pattern`; -1 when none. */
  const first = (c: CellResult, pattern: RegExp, phase: string | null = null) => c.events.findIndex((event) => (phase === null || event.phase === phase) && pattern.test(event.message));
  const last = (c: CellResult, pattern: RegExp, phase: string) => c.events.findLastIndex((event) => event.phase === phase && pattern.test(event.message));

  beforeAll(async () => {
    out = await tempOut();
    run = await runCli(['run', MATRIX, '--out', out.dir], { KUBECONFIG: rig.current.kubeconfig });
    results = await readResults(out.dir);
  }, RUN_TIMEOUT_MS);
  afterAll(() => out?.cleanup());

  it('exits 0: both upgrades passed with no failed endpoint sample, the rollback too, and the skipped stop was refused', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(results.cells.map((c) => `${c.from}->${c.to} ${c.method} ${c.status}`).sort()).toEqual([
      '1.0.0->1.1.0 operator passed',
      '1.0.0->2.0.0 operator passed',
      '1.1.0->2.0.0 operator passed',
    ]);
    for (const c of [cell('1.0.0', '1.1.0'), cell('1.1.0', '2.0.0')]) {
      expect(c.traffic?.byProbe.endpoints?.requests, c.id).toBeGreaterThan(0);
      expect(c.traffic?.byProbe.endpoints?.failures, c.id).toBe(0);
      expect(Object.keys(c.traffic?.requestsByVersion ?? {}).sort(), c.id).toEqual([c.from, c.to]);
    }
    const rolledBack = cell('1.0.0', '1.1.0').rollback;
    expect(rolledBack?.traffic.byProbe.endpoints?.requests).toBeGreaterThan(0);
    expect(rolledBack?.traffic.byProbe.endpoints?.failures).toBe(0);
  });

  it.each([
    ['1.0.0', '1.1.0'],
    ['1.1.0', '2.0.0'],
  ])('%s -> %s: the pre Job finished before the first new pod, the post Job ran after the last old pod, then the operator reported done', (from, to) => {
    const c = cell(from, to);
    const slug = to.replaceAll('.', '-');
    const preDone = first(c, new RegExp(`^Job sample-app-migrate-pre-${slug} complete$`), 'upgrade');
    // The app's pods (its Deployment's), not the migration Jobs' pods, which carry the version too.
    const firstNewPod = first(c, new RegExp(`^pod sample-app-(?!migrate)\\S+ created \\(${to.replaceAll('.', '\\.')}\\)$`), 'upgrade');
    const lastOldPodGone = last(c, new RegExp(`^pod sample-app-(?!migrate)\\S+ gone \\(${from.replaceAll('.', '\\.')}\\)$`), 'upgrade');
    const postCreated = first(c, new RegExp(`^Job sample-app-migrate-post-${slug} created`), 'upgrade');
    const postDone = first(c, new RegExp(`^Job sample-app-migrate-post-${slug} complete$`), 'upgrade');
    const reported = first(c, new RegExp(`^SampleApp sample-app: the operator reports ${to.replaceAll('.', '\\.')} done in \\d+ ms$`), 'upgrade');
    const timeline = lines(c).join('\n');
    expect(preDone, timeline).toBeGreaterThanOrEqual(0);
    expect(firstNewPod, timeline).toBeGreaterThan(preDone);
    expect(lastOldPodGone, timeline).toBeGreaterThan(firstNewPod);
    expect(postCreated, timeline).toBeGreaterThan(lastOldPodGone);
    expect(reported, timeline).toBeGreaterThan(postDone);
    expect(postDone, timeline).toBeGreaterThan(postCreated);
    // The operator rolled the Deployment the way it promises: one surge pod, none unavailable.
    expect(timeline).toMatch(new RegExp(`upgrade: Deployment sample-app: pod template at ${to.replaceAll('.', '\\.')}, 2 replicas \\(RollingUpdate maxSurge 1 maxUnavailable 0\\)`));
    // The resource's conditions are on the timeline as the operator moved through its steps.
    expect(timeline).toMatch(/upgrade: SampleApp sample-app: Progressing=True PreMigrating/);
  });

  it('the rollback set 1.0.0 back: the operator rolled the Deployment back without migrations', () => {
    const c = cell('1.0.0', '1.1.0');
    const timeline = lines(c).join('\n');
    expect(timeline).toMatch(/rollback: SampleApp sample-app: \/spec\/version set to 1\.0\.0/);
    expect(timeline).toMatch(/rollback: SampleApp sample-app: the operator reports 1\.0\.0 done/);
    expect(c.events.filter((event) => event.phase === 'rollback' && /^Job \S+ created/.test(event.message))).toEqual([]);
    expect(timeline).toContain('rollback-verify: every replica and every sampled request reports 1.0.0');
  });

  it('1.0.0 -> 2.0.0: refused for the skipped stop 1.1.0, nothing rolled, 1.0.0 served throughout', () => {
    const c = cell('1.0.0', '2.0.0');
    const timeline = lines(c).join('\n');
    expect(timeline).toMatch(/upgrade: refused, as expected: the operator refused 2\.0\.0: SkipsRequiredStop: .*1\.1\.0/);
    expect(timeline).toMatch(/(upgrade|settle|verify): Warning UpgradeRefused SampleApp\/sample-app: .*1\.1\.0/);
    const upgrade = c.events.filter((event) => event.phase === 'upgrade');
    expect(upgrade.filter((event) => /^(Job \S+ created|pod \S+ created|Deployment sample-app: pod template)/.test(event.message))).toEqual([]);
    expect(c.traffic?.byProbe.endpoints?.failures).toBe(0);
    expect(Object.keys(c.traffic?.requestsByVersion ?? {})).toEqual(['1.0.0']);
  });

  it('leaves no namespace, no operator process and no CRD of the run behind', async () => {
    const created = namespacesCreated(results.cells.flatMap((c) => c.events));
    expect(created).toHaveLength(3);
    expect(await existingNamespaces(rig.current.kubeconfig, created)).toEqual([]);
    expect(await namespacesOfRun(rig.current.kubeconfig, results.runId)).toEqual([]);
    expect((await labelledProcesses()).filter((process) => process.runId === results.runId)).toEqual([]);
    expect(await crdNames(rig.current.kubeconfig)).not.toContain('sampleapps.sample-app.upgrade-harness.io');
  });
});

// A version that needs a newer operator: the harness upgrades the operator before it changes the version field.
describe.skipIf(gate.skip)('an upgrade whose version needs another operator, on the rig, by a context the kubeconfig does not make current', () => {
  const rig = useRig(gate, 'rig-operator-upgrade');
  let out: Awaited<ReturnType<typeof tempOut>>;
  let run: CliResult;
  let c: CellResult;

  let objects: KubernetesObjectApi;
  // The user's own install on the same cluster: the CRD, and a SampleApp in a namespace of theirs.
  const userApp = { apiVersion: 'sample-app.upgrade-harness.io/v1alpha1', kind: 'SampleApp', metadata: { name: 'theirs', namespace: 'user-app' }, spec: { version: '1.0.0' } };

  beforeAll(async () => {
    const config = new KubeConfig();
    config.loadFromFile(rig.current.kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(config);
    await objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'user-app' } });
    await objects.create(parse(await readFile(join(projectRoot, 'scenarios/sample-app/operator/crd.yaml'), 'utf8')) as KubernetesObject);
    await waitFor(() => objects.create(userApp).then(() => true), { what: 'the SampleApp CRD to serve', timeoutMs: 30_000, intervalMs: 200 });
    out = await tempOut();
    // The kubeconfig's current context is a cluster that is not there; the run names the rig's
    // context, and the operator process must be given that one too.
    const elsewhere = join(out.dir, 'kubeconfig');
    const other = new KubeConfig();
    other.loadFromFile(rig.current.kubeconfig);
    other.addCluster({ name: 'elsewhere', server: 'https://127.0.0.1:9', skipTLSVerify: true });
    other.addContext({ name: 'elsewhere', cluster: 'elsewhere', user: other.getCurrentUser()!.name });
    other.setCurrentContext('elsewhere');
    await writeFile(elsewhere, other.exportConfig());
    run = await runCli(['run', 'test/fixtures/e2e/operator-upgrade.yaml', '--out', join(out.dir, 'out'), '--context', 'rig'], { KUBECONFIG: elsewhere });
    c = (await readResults(join(out.dir, 'out'))).cells[0]!;
  }, RUN_TIMEOUT_MS);
  afterAll(() => out?.cleanup());

  it('stops the old operator and starts the new one before setting 2.0.0, which the new one carries out', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const lines = c.events.map((event) => `${event.phase}: ${event.message}`);
    const started = c.events.flatMap((event, index) => (/^operator: process .* started \(pid (\d+)\)/.test(event.message) ? [{ index, phase: event.phase, pid: /pid (\d+)/.exec(event.message)![1] }] : []));
    expect(started.map((start) => start.phase), lines.join('\n')).toEqual(['install', 'upgrade']);
    expect(started[0]!.pid).not.toBe(started[1]!.pid);
    const announced = lines.indexOf('upgrade: operator: 2.0.0 needs another operator; upgrading it first');
    const versionSet = lines.indexOf('upgrade: SampleApp sample-app: /spec/version set to 2.0.0');
    expect(announced).toBeGreaterThanOrEqual(0);
    expect(started[1]!.index).toBeGreaterThan(announced);
    expect(versionSet).toBeGreaterThan(started[1]!.index);
    expect(c.traffic?.byProbe.endpoints?.failures).toBe(0);
  });

  it('left the CRD the cluster had before (the user\'s own install), unlabelled, and the user\'s resource as it was', async () => {
    const crd = await objects.read({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: CRD } });
    expect(Object.keys(crd.metadata?.labels ?? {}).filter((label) => label.startsWith('upgrade-harness.io/'))).toEqual([]);
    expect(((await objects.read(userApp)) as typeof userApp).spec.version).toBe('1.0.0');
  });

  it('gc removes a CRD a dead run created, once no resource of it is left anywhere', async () => {
    // As a run that died would have left it: labelled with its run id and this host.
    await objects.patch(
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: CRD, labels: { [RUN_LABEL]: 'run-that-died', [HOST_LABEL]: dnsLabel(hostname()) } } },
      undefined, undefined, undefined, undefined, PatchStrategy.MergePatch,
    );
    const gc = () => runCli(['gc'], { KUBECONFIG: rig.current.kubeconfig });
    const inUse = await gc();
    expect(inUse.stdout, inUse.stderr).toMatch(/, 0 namespaces and 0 CRDs of finished runs removed/);
    expect(await crdNames(rig.current.kubeconfig)).toContain(CRD);
    await objects.delete(userApp);
    const unused = await gc();
    expect(unused.stdout, unused.stderr).toMatch(/, 0 namespaces and 1 CRDs of finished runs removed/);
    expect(await crdNames(rig.current.kubeconfig)).not.toContain(CRD);
  });
});

