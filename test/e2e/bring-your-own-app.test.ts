// An app the harness knows only from its scenario file (test/fixtures/e2e/bookmarks): its own
// state folder and no database, an API key from a setup step, its version in a header of its
// own, form-encoded writes read back through a JSON pointer, a down-migration, and a version
// whose migration the previous one cannot survive.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';
import { dockerGate } from '../support/docker-daemon.ts';

const matrix = 'test/fixtures/e2e/bookmarks.yaml';

/** Every file of the run's output, with its path relative to the output folder. */
async function outputFiles(out: string): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.filter((entry) => entry.isFile()).map(async (entry) => ({ path: join(entry.parentPath, entry.name).slice(out.length + 1), text: await readFile(join(entry.parentPath, entry.name), 'utf8') })),
  );
}

describe('an app described only by its scenario file', () => {
  it('upgrades and rolls back through its down-migration, and refuses to switch back to a pool the new migration broke', async () => {
    const out = await testDir();
    const run = await runCli(['run', matrix, '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const results = await readResults(out);
    const rolling = results.cells.find((cell) => cell.id === 'local/1-to-2/rolling')!;
    expect(rolling.status, JSON.stringify(rolling.error)).toBe('passed');
    expect(rolling.traffic?.failures).toBe(0);
    // The version came from X-Bookmarks-Build on /about; the probes' requests were attributed by the front door.
    expect(Object.keys(rolling.traffic?.requestsByVersion ?? {}).sort()).toEqual(['1', '2']);
    expect(rolling.integrity?.writesAcknowledged).toBeGreaterThan(0);
    expect(rolling.integrity?.writesLost).toBe(0);
    expect(rolling.rollback?.integrity?.writesLost).toBe(0);
    const events = rolling.events.map((event) => event.message);
    expect(events).toContain('setup printed apiKey, owner');
    expect(events).toContain('down-migration of 2, now that 1 serves again');
    expect(events.some((message) => message.startsWith('PostgreSQL'))).toBe(false);
    expect(await readFile(join(out, rolling.logs!, 'migrate-down-2.log'), 'utf8')).toContain('migrated down from build 2');

    const blueGreen = results.cells.find((cell) => cell.id === 'local/2-to-3/blue-green')!;
    expect(blueGreen.status).toBe('failed');
    expect(blueGreen.error).toMatchObject({ code: 'STANDBY_NOT_READY', kind: 'product' });
    expect(blueGreen.error?.message).toContain('r1 (2): /health answers HTTP 503');
    expect(blueGreen.error?.message).toContain('build 2 cannot read storage layout 3');

    // The API key the setup printed is in no report or log, the app's own logs included.
    const files = await outputFiles(out);
    expect(files.find((file) => file.path.endsWith('replica-r1.log'))?.text).toContain('first request with API key ***');
    expect(files.find((file) => file.path.endsWith('setup.log'))?.text).toContain('"apiKey":"***"');
    const leaking = files.filter((file) => /bk_[0-9a-f]{16}/.test(file.text));
    expect(leaking.map((file) => file.path)).toEqual([]);
  });

  it('calls a setup step that fails, prints no JSON object or lacks a field the probes use an error, quoting what it said', async () => {
    const cases = [
      { fault: 'exit', says: ['the setup step exited with code 4', 'cannot issue a key: no admin account yet'] },
      { fault: 'not-json', says: ['must print one JSON object', 'key issued'] },
      { fault: 'no-key', says: ['the setup step printed no "apiKey", which probes.read.headers.X-Api-Key uses (it printed owner)'] },
    ];
    for (const { fault, says } of cases) {
      const out = await testDir();
      const run = await runCli(['run', matrix, '--only', 'local/1-to-2/rolling', '--out', out], { BOOKMARKS_SETUP_FAULT: fault });
      expect(run.exitCode, run.stdout + run.stderr).toBe(3);
      const [cell] = (await readResults(out)).cells;
      expect(cell?.status).toBe('error');
      expect(cell?.error?.code).toBe('SETUP_FAILED');
      for (const words of says) expect(cell?.error?.message).toContain(words);
      expect(cell?.traffic).toBeNull();
    }
  });
});

const docker = await dockerGate('bring-your-own-app on docker');

describe.runIf(docker)('the same app on the docker platform', () => {
  it('mounts its data folder in every container, runs setup and migrations in one-off containers, and starts no PostgreSQL', { timeout: 300_000 }, async () => {
    const built = await runCli(['images', 'build', '--scenario', 'test/fixtures/e2e/bookmarks/scenario.yaml']);
    expect(built.exitCode, built.stdout + built.stderr).toBe(0);
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/bookmarks-docker.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const results = await readResults(out);
    const rolling = results.cells.find((cell) => cell.id === 'docker/1-to-2/rolling')!;
    expect(rolling.status, JSON.stringify(rolling.error)).toBe('passed');
    expect(rolling.integrity?.writesAcknowledged).toBeGreaterThan(0);
    expect(rolling.rollback?.integrity?.writesLost).toBe(0);
    const events = rolling.events.map((event) => event.message);
    expect(events).toContain('down-migration of 2, now that 1 serves again');
    expect(events.some((message) => message.startsWith('PostgreSQL'))).toBe(false);
    const blueGreen = results.cells.find((cell) => cell.id === 'docker/2-to-3/blue-green')!;
    expect(blueGreen.error?.code).toBe('STANDBY_NOT_READY');
    expect(blueGreen.error?.message).toContain('build 2 cannot read storage layout 3');
  });

  it('rolls back from an irreversible version by restoring the pg_dump taken before it, counting the writes the restore lost', { timeout: 300_000 }, async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/docker-restore.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [cell] = (await readResults(out)).cells;
    const events = cell!.events.map((event) => event.message);
    expect(events.some((message) => message.includes('database dumped (pg_dump)'))).toBe(true);
    expect(events).toContain('data folder and database restored from the copy');
    // Writes taken after the dump are gone with the restore: counted, each "not found".
    const lost = cell!.rollback?.integrity;
    expect(lost?.writesLost).toBeGreaterThan(0);
    expect(lost?.lostBy?.notFound).toBe(lost?.writesLost);
    expect(cell!.integrity?.writesLost).toBe(0);
  });
});
