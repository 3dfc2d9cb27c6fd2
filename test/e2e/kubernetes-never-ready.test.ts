// A red verdict means the product is at fault: a release whose pods never become ready (the rig's
// never-ready label, test/rig/README.md) fails its rolling cell as the product's failure, naming
// the rollout that did not complete, while maxUnavailable 0 kept the old pods serving throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellResult } from '../../harness/results.ts';
import { readResults, runCli, tempOut, type CliResult } from '../support/cli.ts';
import { existingNamespaces, namespacesCreated } from '../support/kube-namespaces.ts';
import { rigGate, useRig } from '../support/rig-gate.ts';

const MATRIX = 'test/fixtures/e2e/kubernetes-never-ready.yaml';
const gate = await rigGate('kubernetes-never-ready.test.ts');

// Its own rig: one started before the never-ready Stage existed would make 1.1.0 ready.
describe.skipIf(gate.skip)('a rolling upgrade to a release that never becomes ready, on the rig', () => {
  const rig = useRig(gate, 'rig-never-ready');
  let out: Awaited<ReturnType<typeof tempOut>>;
  let run: CliResult;
  let cell: CellResult;

  beforeAll(async () => {
    out = await tempOut();
    run = await runCli(['run', MATRIX, '--out', out.dir], { KUBECONFIG: rig.current.kubeconfig });
    const results = await readResults(out.dir);
    expect(results.cells).toHaveLength(1);
    cell = results.cells[0]!;
  }, 4 * 60_000);
  afterAll(() => out?.cleanup());

  it('exits 1 with the cell failed (not error), the cause the rollout of 1.1.0 that did not complete', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(cell.status).toBe('failed');
    expect(cell.error).toMatchObject({ code: 'ROLLOUT_TIMEOUT', kind: 'product' });
    expect(cell.error?.message).toContain('timed out after 8000 ms waiting for Deployment web to roll out 1.1.0');
  });

  it('the new pods were created and never became ready, while both old ones stayed ready: no endpoints sample failed', () => {
    const messages = cell.events.map((event) => event.message);
    expect(messages.filter((message) => /^pod web-\S+ created \(1\.1\.0\)$/.test(message)).length).toBeGreaterThan(0);
    expect(messages.filter((message) => /^pod web-\S+ ready \(1\.1\.0\)$/.test(message))).toEqual([]);
    // minReady is 2 in the matrix: a sample fails unless both 1.0.0 pods are ready.
    expect(cell.traffic?.byPhase.upgrade?.requests).toBeGreaterThan(0);
    expect(cell.traffic?.byProbe.endpoints).toMatchObject({ failures: 0 });
    expect(cell.traffic?.byProbe.endpoints?.requests).toBeGreaterThan(0);
    expect(cell.traffic?.requestsByVersion).toEqual({ '1.0.0': cell.traffic?.requests });
  });

  it('removes the namespace of the failed cell', async () => {
    const created = namespacesCreated(cell.events);
    expect(created).toHaveLength(1);
    expect(await existingNamespaces(rig.current.kubeconfig, created)).toEqual([]);
  });
});
