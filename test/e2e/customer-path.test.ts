import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

describe("a customer's chained upgrade path", () => {
  it('walks 1.0.0 -> 1.1.0 (required stop, post-migration included) -> 2.0.0 in one environment without a failed request or a lost write', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'matrices/customer-path.yaml', '--only', '*/*/rolling', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [cell] = (await readResults(out)).cells;
    expect(cell).toMatchObject({ id: 'local/1.0.0-to-2.0.0-via-1.1.0/rolling', from: '1.0.0', to: '2.0.0', via: ['1.1.0'], status: 'passed' });
    const phases = cell!.phases.map((phase) => phase.name);
    // The stop is completed (its contract migration ran) before the next hop starts.
    expect(phases.indexOf('migrate-post 1.1.0')).toBeGreaterThan(phases.indexOf('verify 1.1.0'));
    expect(phases.indexOf('migrate-pre 2.0.0')).toBeGreaterThan(phases.indexOf('migrate-post 1.1.0'));
    expect(phases).toContain('post-settle 2.0.0');
    const traffic = cell!.traffic!;
    expect(traffic.failures).toBe(0);
    for (const version of ['1.0.0', '1.1.0', '2.0.0']) expect(traffic.requestsByVersion[version], version).toBeGreaterThan(0);
    expect(traffic.byPhase['upgrade 1.1.0']?.requests).toBeGreaterThan(0);
    expect(traffic.byPhase['upgrade 2.0.0']?.requests).toBeGreaterThan(0);
    // Writes taken under 1.0.0 and 1.1.0 are still there after 2.0.0's contract migration.
    expect(cell!.integrity).toMatchObject({ writesLost: 0 });
    expect(cell!.integrity!.writesAcknowledged).toBeGreaterThan(30);
  });
});
