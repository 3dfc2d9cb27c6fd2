import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

describe('rolling stop-first', () => {
  it('stops an old replica before starting each new one, and the others carry the traffic without a failure', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/tiny-http-stop-first.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.traffic?.failures).toBe(0);
    const steps = cell!.events.filter((event) => event.phase === 'upgrade').map((event) => event.message);
    expect(steps).toEqual([
      'drained r1 (1.0); stopping',
      'stopped r1 (1.0)',
      'replica r3 (2.0) ready',
      'r3 (2.0) in service',
      'drained r2 (1.0); stopping',
      'stopped r2 (1.0)',
      'replica r4 (2.0) ready',
      'r4 (2.0) in service',
    ]);
  });
});
