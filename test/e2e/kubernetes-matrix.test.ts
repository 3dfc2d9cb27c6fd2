// matrices/kubernetes.yaml through the CLI against a real control plane (the rig): five methods,
// each upgraded and rolled back under the endpoints probe. Beyond "it passed", the measured
// figures are held against what the cluster's own timeline says happened.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CellResult, Outage, RunResults } from '../../harness/results.ts';
import { projectRoot, readResults, runCli, tempOut, type CliResult } from '../support/cli.ts';
import { samplesOf, serviceGaps, servingSequence, type ServiceGap } from '../support/endpoint-timeline.ts';
import { existingNamespaces, namespacesCreated, namespacesOfRun } from '../support/kube-namespaces.ts';
import { rigGate, useRig } from '../support/rig-gate.ts';

const MATRIX = 'matrices/kubernetes.yaml';
const gate = await rigGate('kubernetes-matrix.test.ts');
// Five cells at concurrency 2 take about two minutes; room for a slow machine, not for a hang.
const RUN_TIMEOUT_MS = 8 * 60_000;
const ZERO_DOWNTIME = ['rolling', 'blue-green', 'canary', 'helm'];

const probeSettings = (parse(await readFile(join(projectRoot, MATRIX), 'utf8')) as { probes: { endpoints: { rate: number; minReady: number } } }).probes.endpoints;
const intervalMs = 1000 / probeSettings.rate;
// A sample sees a change on its first tick after the watch delivered it: at most one interval late
// on each side, two in all; the slack covers event-loop delay on a busy two-core machine.
const TOLERANCE_MS = 2 * intervalMs + 50;

describe.skipIf(gate.skip)(`${MATRIX} on the rig`, () => {
  const rig = useRig(gate, 'rig-kubernetes-matrix');
  let out: Awaited<ReturnType<typeof tempOut>>;
  let run: CliResult;
  let results: RunResults;
  const cell = (method: string): CellResult => {
    const found = results.cells.find((candidate) => candidate.method === method);
    if (!found) throw new Error(`no ${method} cell in ${results.cells.map((c) => c.id).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    out = await tempOut();
    run = await runCli(['run', MATRIX, '--out', out.dir], { KUBECONFIG: rig.current.kubeconfig });
    results = await readResults(out.dir);
  }, RUN_TIMEOUT_MS);
  afterAll(() => out?.cleanup());

  it('exits 0 with every cell passed, each judged on endpoints samples during the upgrade and the rollback', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(results.cells.map((c) => c.method).sort()).toEqual(['blue-green', 'canary', 'helm', 'recreate', 'rolling']);
    for (const c of results.cells) {
      expect(c.status, `${c.id}: ${c.error?.message}`).toBe('passed');
      expect(c.traffic?.byProbe.endpoints?.requests, c.id).toBeGreaterThan(0);
      expect(c.traffic?.byPhase.upgrade?.requests, c.id).toBeGreaterThan(0);
      expect(c.rollback?.traffic.byProbe.endpoints?.requests, c.id).toBeGreaterThan(0);
    }
  });

  it.each(ZERO_DOWNTIME)('%s: no failed endpoint sample in the upgrade or the rollback, and every successful one names a version of the app', (method) => {
    const c = cell(method);
    expect(c.traffic?.byProbe.endpoints?.failures).toBe(0);
    expect(c.rollback?.traffic.byProbe.endpoints?.failures).toBe(0);
    expect(c.traffic?.outages).toEqual([]);
    expect(c.rollback?.traffic.outages).toEqual([]);
    // Both versions served during the upgrade (so zero failures is not zero movement), and no
    // sample counted an endpoint that is not a pod of the app (one without a version). A
    // blue-green rollback switches back at once: its window may hold only 1.0.0.
    expect(Object.keys(c.traffic?.requestsByVersion ?? {}).sort()).toEqual(['1.0.0', '1.1.0']);
    const rolledBack = Object.keys(c.rollback?.traffic.requestsByVersion ?? {});
    expect(rolledBack).toContain('1.0.0');
    expect(rolledBack.filter((version) => version !== '1.0.0' && version !== '1.1.0')).toEqual([]);
  });

  it('recreate: each outage is the gap the timeline shows, from the last ready endpoint gone to the first new one ready', () => {
    const c = cell('recreate');
    const gaps = serviceGaps(c.events, probeSettings.minReady);
    const outages: Outage[] = [...(c.traffic?.outages ?? []), ...(c.rollback?.traffic.outages ?? [])];
    expect(outages.map((o) => o.phase)).toEqual(['upgrade', 'rollback']);
    expect(gaps.map((g) => g.phase)).toEqual(['upgrade', 'rollback']);
    outages.forEach((outage, index) => {
      const gap = gaps[index] as ServiceGap;
      expect(outage.durationMs).toBeGreaterThan(0);
      expect(Object.keys(outage.causes)).toEqual(['no-endpoints']);
      expect(Math.abs(outage.startMs - gap.lostMs), `${outage.phase} start ${outage.startMs} vs endpoints lost at ${gap.lostMs}`).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(gap.backMs).not.toBeNull();
      expect(Math.abs(outage.endMs - gap.backMs!), `${outage.phase} end ${outage.endMs} vs endpoints back at ${gap.backMs}`).toBeLessThanOrEqual(TOLERANCE_MS);
    });
  });

  it('recreate: 1.0.0 served before the outage, 1.1.0 after it, 1.0.0 again after the rollback; failures name no version', async () => {
    const c = cell('recreate');
    const samples = await samplesOf(join(out.dir, c.logs!, 'requests.csv'), 'endpoints');
    expect(servingSequence(samples)).toEqual(['1.0.0', '1.1.0', '1.0.0']);
    // Every failed sample lies inside a measured outage [start, end).
    const outages = [...(c.traffic?.outages ?? []), ...(c.rollback?.traffic.outages ?? [])].map((o) => [Date.parse(o.start), Date.parse(o.end)] as const);
    const failed = samples.filter((sample) => !sample.ok);
    expect(failed.length).toBe((c.traffic?.failures ?? 0) + (c.rollback?.traffic.failures ?? 0));
    for (const sample of failed) {
      expect(sample.outcome).toBe('no-endpoints');
      // The ISO times are whole milliseconds: one either side.
      expect(outages.some(([start, end]) => sample.sentUnixMs >= start - 1 && sample.sentUnixMs < end + 1), `sample at ${sample.sentUnixMs}`).toBe(true);
    }
    expect(c.traffic?.failuresByVersion).toEqual({ unknown: c.traffic?.failures });
  });

  it('helm: the chart\'s pre-upgrade hook ran the migration before the first 1.1.0 pod, and the rollback is helm rollback', () => {
    const c = cell('helm');
    const messages = c.events.map((e) => `${e.phase}: ${e.message}`);
    const hookDone = c.events.findIndex((e) => e.phase === 'upgrade' && /^Normal Completed Job\/sample-app-migrate-pre-\d+: /.test(e.message));
    const firstNewPod = c.events.findIndex((e) => /^pod \S+ created \(1\.1\.0\)$/.test(e.message));
    expect(hookDone, messages.join('\n')).toBeGreaterThanOrEqual(0);
    expect(firstNewPod, messages.join('\n')).toBeGreaterThan(hookDone);
    expect(messages).toContainEqual(expect.stringMatching(/^rollback: helm rollback sample-app 1\.0\.0: revision \d+/));
    expect(messages).toContainEqual('rollback-verify: every replica and every sampled request reports 1.0.0');
  });

  it('leaves no namespace of the run behind', async () => {
    const created = namespacesCreated(results.cells.flatMap((c) => c.events));
    expect(created).toHaveLength(5);
    expect(await existingNamespaces(rig.current.kubeconfig, created)).toEqual([]);
    expect(await namespacesOfRun(rig.current.kubeconfig, results.runId)).toEqual([]);
  });
});
