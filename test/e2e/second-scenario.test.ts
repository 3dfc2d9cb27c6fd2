import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

// A scenario file is all the harness needs: an app that is not sample-app (no database, its own
// endpoint names and port variable), named by a path outside scenarios/, upgrades and rolls back.
describe('a second application, described only by its scenario file', () => {
  it('upgrades and rolls back by rolling and blue-green with zero failed requests', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/tiny-http.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const results = await readResults(out);
    expect(results.cells.map((cell) => cell.id)).toEqual(['local/1.0-to-2.0/rolling', 'local/1.0-to-2.0/blue-green']);
    for (const cell of results.cells) {
      expect(cell.status).toBe('passed');
      expect(cell.scenario).toBe('tiny-http');
      expect(cell.traffic?.failures).toBe(0);
      expect(cell.traffic?.requestsByVersion['1.0']).toBeGreaterThan(0);
      expect(cell.traffic?.requestsByVersion['2.0']).toBeGreaterThan(0);
      // The rollback is measured on its own, and after it every request is served by 1.0 again.
      expect(cell.rollback?.traffic.failures).toBe(0);
      expect(cell.rollback?.traffic.byPhase['rollback-verify']?.requests).toBeGreaterThan(0);
      expect(cell.phases.map((phase) => phase.name)).toContain('rollback');
      expect(cell.integrity).toBeNull();
    }
  });
});
