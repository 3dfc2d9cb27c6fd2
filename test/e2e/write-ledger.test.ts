import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

describe('the write ledger', () => {
  it('catches an app that acknowledges writes it never stores, though no request failed', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/lose-writes.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.status).toBe('failed');
    expect(cell?.traffic?.failures).toBe(0);
    expect(cell?.integrity?.writesAcknowledged).toBeGreaterThan(10);
    expect(cell?.integrity?.writesLost).toBe(cell?.integrity?.writesAcknowledged);
    expect(cell?.gates.find((gate) => gate.name === 'lostWrites')).toMatchObject({ passed: false, threshold: 0, actual: cell?.integrity?.writesLost });
    expect(cell?.traffic?.byProbe['write-ledger']?.requests).toBeGreaterThan(10);
  });
});
