import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

describe('a canary of a broken release', () => {
  it('breaches the gate at its first step, sends all traffic back to the old version and fails the cell', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/canary-broken-release.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.status).toBe('failed');
    expect(cell?.error).toMatchObject({ code: 'CANARY_ABORTED', kind: 'product' });
    expect(cell?.error?.message).toContain('canary stopped at 10%');
    const traffic = cell!.traffic!;
    // Every failure came from the canary, which had about a tenth of the traffic for one step.
    expect(traffic.failures).toBeGreaterThan(0);
    expect(traffic.failuresByVersion['2.0']).toBe(traffic.failures);
    expect(traffic.failuresByVersion['1.0'] ?? 0).toBe(0);
    expect(traffic.requestsByVersion['2.0']).toBeLessThan(traffic.requestsByVersion['1.0']! / 3);
    expect(cell?.events.map((event) => event.message)).toContain('canary: gate breached at 10%, traffic returned to r1 (1.0), r2 (1.0)');
    expect(cell?.events.some((event) => event.message.startsWith('canary: 50%'))).toBe(false);
  });
});
