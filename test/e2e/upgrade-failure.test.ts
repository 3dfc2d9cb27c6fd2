import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

describe('an upgrade to a release that cannot start', () => {
  it('fails the cell as a product failure with the replica\'s last log lines, while the old version keeps serving', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/rolling-crashing-release.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.status).toBe('failed');
    expect(cell?.error).toMatchObject({ code: 'REPLICA_NOT_READY', kind: 'product' });
    expect(cell?.error?.message).toContain('exited before it was ready');
    expect(cell?.error?.message).toContain('cannot start: configuration file missing');
    // Rolling start-first never let the broken replica into the pool: users saw nothing.
    expect(cell?.traffic?.failures).toBe(0);
    expect(Object.keys(cell?.traffic?.requestsByVersion ?? {})).toEqual(['1.0']);
  });
});

describe('an upgrade whose pre-deployment migration fails', () => {
  it('fails the cell as a product failure quoting the migration, before any new replica starts', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/rolling-failing-migration.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.error).toMatchObject({ code: 'MIGRATION_FAILED', kind: 'product' });
    expect(cell?.error?.message).toContain('pre-deployment migration of 2.0 exited with code 3');
    expect(cell?.error?.message).toContain('already has a column named title');
    expect(cell?.phases.map((phase) => phase.name)).not.toContain('upgrade');
    expect(cell?.traffic?.failures).toBe(0);
  });
});
