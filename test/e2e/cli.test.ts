import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../support/cli.ts';

describe('the command line', () => {
  /** A private TMPDIR: whatever a command starts leaves its traces there (work folders, database files). */
  const privateTmp = testDir;

  it('plan lists the cells of a matrix and starts nothing', async () => {
    const tmp = await privateTmp();
    const plan = await runCli(['plan', 'matrices/quickstart.yaml'], { TMPDIR: tmp });
    expect(plan.exitCode, plan.stderr).toBe(0);
    const ids = plan.stdout.split('\n').flatMap((line) => /^\s+(local\/\S+)/.exec(line)?.[1] ?? []);
    expect(ids).toEqual([
      'local/1.0.0-to-1.1.0/recreate',
      'local/1.0.0-to-1.1.0/rolling',
      'local/1.0.0-to-1.1.0/blue-green',
      'local/1.0.0-to-1.1.0/canary',
      'local/1.1.0-to-2.0.0/recreate',
      'local/1.1.0-to-2.0.0/rolling',
      'local/1.1.0-to-2.0.0/blue-green',
      'local/1.1.0-to-2.0.0/canary',
    ]);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('plan --only keeps the cells whose id matches', async () => {
    const plan = await runCli(['plan', 'matrices/quickstart.yaml', '--only', 'local/*/rolling']);
    expect(plan.stdout).toContain('2 cells');
  });

  it('a bad matrix exits 2 naming file, line and dot-path of every problem, and runs nothing', async () => {
    const tmp = await privateTmp();
    const run = await runCli(['run', 'test/fixtures/e2e/bad/misspelt-method.yaml', '--out', '/nonexistent/never-written'], { TMPDIR: tmp });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('test/fixtures/e2e/bad/misspelt-method.yaml:6 methods[1]: unknown method "rolingg"; known: recreate, rolling, blue-green, canary, helm, operator, package-in-place, package-rolling');
    expect(run.stderr).toMatch(/misspelt-method\.yaml:7 replicas: .*number/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a missing matrix file exits 2 with a hint', async () => {
    const run = await runCli(['run', 'matrices/no-such-file.yaml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no-such-file.yaml');
  });

  it('bad usage exits 2; --help on every command exits 0', async () => {
    expect((await runCli(['run'])).exitCode).toBe(2);
    expect((await runCli(['run', 'matrices/quickstart.yaml', '--concurrency', 'zero'])).exitCode).toBe(2);
    expect((await runCli(['frobnicate'])).exitCode).toBe(2);
    for (const command of ['run', 'plan', 'report', 'gc', 'doctor']) {
      const help = await runCli([command, '--help']);
      expect(help.exitCode, command).toBe(0);
      expect(help.stdout).toContain(`upgrade-harness ${command}`);
    }
  });

  it('doctor says what this machine can run and what is absent, and passes when the local platform can run', async () => {
    const doctor = await runCli(['doctor'], { UPGRADE_HARNESS_CHROMIUM: '/nonexistent/chromium' });
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^ok +Node 2[2-9]/m);
    expect(doctor.stdout).toMatch(/^ok +PostgreSQL binaries/m);
    expect(doctor.stdout).toMatch(/^absent +Chromium \(browser probe\): .*\/nonexistent\/chromium/m);
  });

  it('--only that matches no cell is a usage error', async () => {
    const run = await runCli(['run', 'matrices/quickstart.yaml', '--only', 'docker/*']);
    expect(run.exitCode).toBe(2);
  });
});

