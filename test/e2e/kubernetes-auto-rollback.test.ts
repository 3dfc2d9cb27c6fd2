// Automatic rollback on Kubernetes, on the rig: rolling, blue-green and helm each upgrade to a
// release whose pods never become ready (the rig's never-ready label). The readiness trigger
// calls the upgrade off where it is and the method takes the cell back: the old template applied
// again, the Service's selector back on the old slot, a SIGTERMed `helm upgrade` (marked failed by
// Helm) followed by `helm rollback`. The old pods never stopped serving: no endpoints sample failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellResult, RunResults } from '../../harness/results.ts';
import { readResults, runCli, tempOut, type CliResult } from '../support/cli.ts';
import { existingNamespaces, namespacesCreated } from '../support/kube-namespaces.ts';
import { rigGate, useRig } from '../support/rig-gate.ts';

const MATRIX = 'test/fixtures/e2e/kubernetes-auto-rollback.yaml';
const gate = await rigGate('kubernetes-auto-rollback.test.ts');
const READY_WITHIN_MS = 4000;

// Its own rig: one started before the never-ready Stage existed would make 1.1.0 ready.
describe.skipIf(gate.skip)('automatic rollback of a release that never becomes ready, on the rig', () => {
  const rig = useRig(gate, 'rig-auto-rollback');
  let out: Awaited<ReturnType<typeof tempOut>>;
  let run: CliResult;
  let results: RunResults;
  const cell = (method: string): CellResult => results.cells.find((candidate) => candidate.method === method)!;
  const timeline = (c: CellResult) => c.events.map((event) => `${event.phase}: ${event.message}`);

  beforeAll(async () => {
    out = await tempOut();
    run = await runCli(['run', MATRIX, '--out', out.dir], { KUBECONFIG: rig.current.kubeconfig });
    results = await readResults(out.dir);
  }, 5 * 60_000);
  afterAll(() => out?.cleanup());

  it.each(['rolling', 'blue-green', 'helm'])('%s: failed (the product), rolled back on the readiness trigger, no endpoints sample failed before or after', (method) => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const c = cell(method);
    expect(c.status).toBe('failed');
    expect(c.error).toMatchObject({ code: 'AUTO_ROLLBACK', kind: 'product' });
    expect(c.rollback?.automatic?.trigger).toBe(`not ready within ${READY_WITHIN_MS} ms of the upgrade's start`);
    expect(c.rollback?.automatic?.detectedAfterMs).toBeGreaterThanOrEqual(READY_WITHIN_MS);
    // Both old pods stayed ready throughout (minReady 2): the upgrade, the rollback.
    expect(c.traffic?.byProbe.endpoints?.requests).toBeGreaterThan(0);
    expect(c.traffic?.byProbe.endpoints?.failures).toBe(0);
    expect(c.rollback?.traffic.byProbe.endpoints?.requests).toBeGreaterThan(0);
    expect(c.rollback?.traffic.byProbe.endpoints?.failures).toBe(0);
    const lines = timeline(c);
    expect(lines).toContainEqual(expect.stringMatching(/^upgrade: pod web-\S+ created \(1\.1\.0\)$/));
    expect(lines.filter((line) => /ready \(1\.1\.0\)$/.test(line))).toEqual([]);
    expect(lines).toContain(`upgrade: automatic rollback to 1.0.0: not ready within ${READY_WITHIN_MS} ms of the upgrade's start`);
    expect(lines).toContain('rollback-verify: every replica and every sampled request reports 1.0.0');
  });

  it('each method went back its own way', () => {
    expect(timeline(cell('rolling'))).toContain('rollback: Deployment web: rolling out 1.0.0 (RollingUpdate maxSurge 1 maxUnavailable 0)');
    expect(timeline(cell('blue-green'))).toContain('rollback: blue-green: Service web selects web-1-0-0 (1.0.0), web-1-1-0 deleted');
    const helm = timeline(cell('helm'));
    // SIGTERM during `helm upgrade`: Helm (3.7 on) marks the release failed instead of leaving it pending-upgrade, so the rollback can run.
    expect(helm).toContainEqual(expect.stringMatching(/^upgrade: helm upgrade of 1\.1\.0 called off: release web revision 2 is failed$/));
    expect(helm).toContainEqual(expect.stringMatching(/^rollback: helm rollback web 1\.0\.0: revision 3 in \d+ ms$/));
  });

  it('leaves no namespace behind', async () => {
    const created = namespacesCreated(results.cells.flatMap((c) => c.events));
    expect(created).toHaveLength(3);
    expect(await existingNamespaces(rig.current.kubeconfig, created)).toEqual([]);
  });
});
