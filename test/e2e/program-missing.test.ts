import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, readResults, runCli, testDir } from '../support/cli.ts';

const app = join(projectRoot, 'test/fixtures/e2e/tiny-http');

/** The tiny-http app, with the scenario's own run or migration command replaced. */
async function matrixWith(dir: string, commands: { run: string; preMigrate?: string }): Promise<string> {
  const scenario = join(dir, 'scenario.yaml');
  await writeFile(
    scenario,
    [
      'name: tiny-http',
      'endpoints: { health: /alive, ready: /ready, version: /about }',
      'probes:',
      '  read: { method: GET, path: /hello }',
      'timeouts: { startMs: 10000, stopGraceMs: 3000 }',
      'defaults:',
      '  run:',
      `    local: { command: [${commands.run}, server.mjs], cwd: ${JSON.stringify(app)}, env: { TINY_LISTEN_PORT: "{{port}}", TINY_VERSION: "{{version}}" } }`,
      ...(commands.preMigrate ? [`  preMigrate: { command: [${commands.preMigrate}], cwd: ${JSON.stringify(app)} }`] : []),
      'versions:',
      '  - version: "1.0"',
      '  - version: "2.0"',
      '',
    ].join('\n'),
  );
  const matrix = join(dir, 'matrix.yaml');
  await writeFile(matrix, `name: program-missing\nscenario: ${scenario}\nplatforms: [local]\npath: ["1.0", "2.0"]\nmethods: [rolling]\nreplicas: 1\ntraffic: { rate: 20, warmUpMs: 200, settleMs: 200 }\n`);
  return matrix;
}

describe('a scenario command whose program does not exist', () => {
  it('is an infrastructure error (exit 3, PROGRAM_MISSING) naming the program and the scenario field, not a product failure', async () => {
    const dir = await testDir();
    const out = join(dir, 'out');
    const run = await runCli(['run', await matrixWith(dir, { run: 'no-such-program-uh-e2e' }), '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(3);
    // The progress line says it too, code first, as a CI log is searched.
    expect(run.stdout + run.stderr).toMatch(/ERR +local\/1\.0-to-2\.0\/rolling +- PROGRAM_MISSING: replica r1 \(1\.0\) could not start/);
    const [cell] = (await readResults(out)).cells;
    expect(cell).toMatchObject({ status: 'error', error: { code: 'PROGRAM_MISSING', kind: 'infrastructure' } });
    expect(cell?.error?.message).toContain(`program "no-such-program-uh-e2e" not found on PATH (scenario ${join(dir, 'scenario.yaml')}, defaults.run.local.command[0])`);
  });

  it('is the same for a migration (installing 1.0 runs its pre-deployment migration first)', async () => {
    const dir = await testDir();
    const out = join(dir, 'out');
    const run = await runCli(['run', await matrixWith(dir, { run: 'node', preMigrate: 'no-such-migrator-uh-e2e' }), '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(3);
    const [cell] = (await readResults(out)).cells;
    expect(cell).toMatchObject({ status: 'error', error: { code: 'PROGRAM_MISSING', kind: 'infrastructure', message: expect.stringContaining('pre-deployment migration of 1.0 could not start: program "no-such-migrator-uh-e2e"') } });
    expect(cell?.error?.message).toContain('defaults.preMigrate.command[0]');
  });
});
