// Automatic rollback proven on sample-app's bad releases (matrices/auto-rollback.yaml): each is
// caught by its trigger and sent back to 1.1.0, which serves again; every cell fails, with its
// cause, the trigger and how long detection and recovery took, failures attributed to the right
// version and phase.
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../harness/results.ts';
import { readResults, runCli, testDir } from '../support/cli.ts';
import { dockerGate } from '../support/docker-daemon.ts';

describe('automatic rollback of bad releases', () => {
  it('catches a release that never gets ready, one that fails under load and one that breaks mixed versions, and returns to 1.1.0', { timeout: 240_000 }, async () => {
    const out = await testDir();
    const run = await runCli(['run', 'matrices/auto-rollback.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const cells = new Map((await readResults(out)).cells.map((cell) => [cell.id, cell]));
    for (const cell of cells.values()) {
      expect(cell.status, `${cell.id}: ${JSON.stringify(cell.error)}`).toBe('failed');
      expect(cell.error?.code).toBe('AUTO_ROLLBACK');
      expect(cell.cause).toMatch(/^AUTO_ROLLBACK: rolled back automatically from 2\.0\.0-[a-z-]+ to 1\.1\.0: /);
      expect(cell.rollback?.automatic?.recoveredAfterMs).toBeGreaterThanOrEqual(0);
      // After the return, 1.1.0 serves every request: the rollback's verification held, and no write was lost.
      expect(cell.events.map((event) => event.message)).toContain('every replica and every sampled request reports 1.1.0');
      expect(cell.rollback?.integrity?.writesLost).toBe(0);
    }
    const neverReady = cells.get('local/1.1.0-to-2.0.0-never-ready/rolling')!;
    expect(neverReady.rollback?.automatic?.trigger).toBe("not ready within 8000 ms of the upgrade's start");
    // Rolling start-first never let the unready replica in: users saw nothing.
    expect(neverReady.traffic?.failures).toBe(0);

    const underLoad = cells.get('local/1.1.0-to-2.0.0-errors-under-load/rolling')!;
    expect(underLoad.rollback?.automatic?.trigger).toMatch(/^error rate \d+% > 5% over the last 3 s, 2 measurements in a row$/);
    expect(Object.keys(underLoad.traffic?.failuresByVersion ?? {})).toEqual(['2.0.0-errors-under-load']);
    expect(underLoad.traffic?.failuresByClass).toEqual({ 'http-5xx': underLoad.traffic?.failures });

    // The old replicas fail from the moment the bad release's pre-deployment migration drops their column.
    const dropsName = cells.get('local/1.1.0-to-2.0.0-drops-name/rolling')!;
    expect(dropsName.traffic?.failuresByVersion['1.1.0']).toBeGreaterThan(0);
    expect(dropsName.traffic?.byPhase['warm-up']?.failures).toBe(0);
    expect(dropsName.events.map((event) => event.message)).toContain('down-migration of 2.0.0-drops-name, now that 1.1.0 serves again');
  });
});

const docker = await dockerGate('automatic rollback on docker');

describe.runIf(docker)('automatic rollback on the docker platform', () => {
  it('catches the same bad releases behind HAProxy and returns each cell to 1.1.0', { timeout: 400_000 }, async () => {
    const built = await runCli(['images', 'build', '--scenario', 'scenarios/sample-app/bad-releases.yaml']);
    expect(built.exitCode, built.stdout + built.stderr).toBe(0);
    const out = await testDir();
    const run = await runCli(['run', 'matrices/auto-rollback-docker.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const results: RunResults = await readResults(out);
    expect(results.cells).toHaveLength(3);
    for (const cell of results.cells) {
      expect(cell.status, `${cell.id}: ${JSON.stringify(cell.error)}`).toBe('failed');
      expect(cell.error?.code).toBe('AUTO_ROLLBACK');
      expect(cell.rollback?.automatic?.recoveredAfterMs).toBeGreaterThanOrEqual(0);
      expect(cell.events.map((event) => event.message)).toContain('every replica and every sampled request reports 1.1.0');
    }
  });
});
