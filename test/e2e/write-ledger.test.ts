import { afterEach, describe, expect, it } from 'vitest';
import { readResults, runCli, tempOut } from '../support/cli.ts';

describe('the write ledger', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('catches an app that acknowledges writes it never stores, though no request failed', async () => {
    const out = await tempOut();
    cleanups.push(out.cleanup);
    const run = await runCli(['run', 'test/fixtures/e2e/lose-writes.yaml', '--out', out.dir]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out.dir)).cells;
    expect(cell?.status).toBe('failed');
    expect(cell?.traffic?.failures).toBe(0);
    expect(cell?.integrity?.writesAcknowledged).toBeGreaterThan(10);
    expect(cell?.integrity?.writesLost).toBe(cell?.integrity?.writesAcknowledged);
    expect(cell?.gates.find((gate) => gate.name === 'lostWrites')).toMatchObject({ passed: false, threshold: 0, actual: cell?.integrity?.writesLost });
    expect(cell?.traffic?.byProbe['write-ledger']?.requests).toBeGreaterThan(10);
  });
});
