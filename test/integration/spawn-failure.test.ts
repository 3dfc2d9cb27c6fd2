// A command the machine cannot run, a port or a temporary folder it cannot give: infrastructure
// errors with their own codes (exit 3, no verdict on the product), never "the replica exited
// before it was ready" nor INTERNAL "a bug in upgrade-harness".
import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarnessError, InfrastructureError, UpgradeFailedError } from '../../harness/errors.ts';
import type { CommandSpec } from '../../harness/matrix/cell.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import { localPlatform } from '../../harness/platforms/local/local-platform.ts';
import { startReplicaProcess } from '../../harness/platforms/local/replica-process.ts';
import { runMigration } from '../../harness/platforms/local/run-migration.ts';
import { describeError } from '../../harness/runner/cell-error.ts';
import { makeTempFolder } from '../../harness/util/temp-folder.ts';
import { projectRoot, testDir } from '../support/cli.ts';

const origin = { file: '/apps/mine/scenario.yaml', field: 'defaults.run.local' };

async function replicaError(spec: CommandSpec): Promise<unknown> {
  const logDir = await testDir();
  return startReplicaProcess({
    id: 'r1',
    version: '1.1.0',
    port: 1,
    spec,
    labels: {},
    logDir,
    readyPath: '/ready',
    startTimeoutMs: 5000,
    stopGraceMs: 500,
    signal: AbortSignal.timeout(20_000),
  }).then(
    () => new Error('started'),
    (error: unknown) => error,
  );
}

async function migrationError(spec: CommandSpec): Promise<unknown> {
  const logDir = await testDir();
  return runMigration({ version: '1.1.0', kind: 'pre', spec, labels: {}, logDir, timeoutMs: 20_000, signal: AbortSignal.timeout(20_000) }).then(
    () => new Error('ran'),
    (error: unknown) => error,
  );
}

describe('a scenario command that cannot start', () => {
  it('is PROGRAM_MISSING for a replica, naming the program and the scenario field: an infrastructure error', async () => {
    const error = await replicaError({ command: ['no-such-program-uh-test', 'app.mjs'], cwd: await testDir(), env: {}, origin });
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error).toMatchObject({
      code: 'PROGRAM_MISSING',
      message: 'replica r1 (1.1.0) could not start: program "no-such-program-uh-test" not found on PATH (scenario /apps/mine/scenario.yaml, defaults.run.local.command[0])',
    });
    expect(describeError(error, 'install')).toMatchObject({ code: 'PROGRAM_MISSING', kind: 'infrastructure' });
  });

  it('is PROGRAM_MISSING for a migration too', async () => {
    const error = await migrationError({ command: ['./bin/no-such-migrator'], cwd: await testDir(), env: {}, origin: { ...origin, field: 'versions[1].preMigrate' } });
    expect(error).toMatchObject({ code: 'PROGRAM_MISSING', message: expect.stringMatching(/^pre-deployment migration of 1\.1\.0 could not start: program "\.\/bin\/no-such-migrator" not found relative to .* \(scenario \/apps\/mine\/scenario\.yaml, versions\[1\]\.preMigrate\.command\[0\]\)$/) });
  });

  it('names a working folder that does not exist, and a program that is not executable', async () => {
    const dir = await testDir();
    expect(await replicaError({ command: ['node'], cwd: join(dir, 'gone'), env: {}, origin })).toMatchObject({ code: 'CWD_MISSING', hint: 'fix defaults.run.local.cwd in the scenario (relative to the scenario file)' });
    await writeFile(join(dir, 'app.sh'), '#!/bin/sh\n');
    await chmod(join(dir, 'app.sh'), 0o644);
    expect(await replicaError({ command: ['./app.sh'], cwd: dir, env: {}, origin })).toMatchObject({ code: 'PROGRAM_NOT_EXECUTABLE' });
  });

  it('leaves a program that started and then failed to the product: not ready, migration failed', async () => {
    const dir = await testDir();
    const replica = await replicaError({ command: [process.execPath, '-e', 'process.exit(1)'], cwd: dir, env: {}, origin });
    expect(replica).toBeInstanceOf(UpgradeFailedError);
    expect(replica).toMatchObject({ code: 'REPLICA_NOT_READY', message: expect.stringContaining('exited before it was ready') });
    expect(await migrationError({ command: [process.execPath, '-e', 'process.exit(3)'], cwd: dir, env: {} })).toMatchObject({ code: 'MIGRATION_FAILED', message: expect.stringContaining('exited with code 3') });
  });
});

describe('a temporary folder or a port this machine cannot give', () => {
  it('is TEMP_FOLDER with a hint, from the local platform before anything starts', async () => {
    const [cell] = (await loadMatrix(join(projectRoot, 'matrices/quickstart.yaml'))).cells;
    const context = { runId: 'test', logDir: await testDir(), signal: new AbortController().signal, event: () => undefined, concurrency: 1, shared: () => Promise.reject(new Error('unused')), runSignal: new AbortController().signal };
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/uh-tmp';
    try {
      await expect(makeTempFolder('upgrade-harness-')).rejects.toMatchObject({ code: 'TEMP_FOLDER', message: 'cannot create a temporary folder or file in /nonexistent/uh-tmp: it does not exist', hint: 'set TMPDIR to a writable folder with free space' });
      const provisioned = await localPlatform.provision(cell!, context).then(() => new Error('provisioned'), (error: unknown) => error);
      expect(provisioned).toBeInstanceOf(HarnessError);
      expect(describeError(provisioned, 'provision')).toMatchObject({ code: 'TEMP_FOLDER', kind: 'infrastructure' });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('is NO_FREE_PORT, saying what to do, when the process is out of file descriptors', async () => {
    // A process of its own: it uses up its descriptors, then asks for a port.
    const script = [
      `import { openSync } from 'node:fs';`,
      `import { freePort } from ${JSON.stringify(join(projectRoot, 'harness/util/free-port.ts'))};`,
      `try { for (;;) openSync('/dev/null', 'r'); } catch {}`,
      `const error = await freePort().then(() => ({ code: 'got a port' }), (caught) => caught);`,
      `process.stdout.write(JSON.stringify({ code: error.code, message: error.message, hint: error.hint }));`,
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      code: 'NO_FREE_PORT',
      message: 'no free TCP port on 127.0.0.1 (EMFILE)',
      hint: 'too many open files: raise the limit (ulimit -n) or lower --concurrency',
    });
  });
});
