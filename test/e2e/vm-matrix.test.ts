// Platform vm on container hosts, end to end: sample-app's .deb upgraded by the multi-node
// procedure behind HAProxy (no request may fail), in place on one machine (an outage, measured),
// a skip of a required stop refused by the package, and a package that does not refuse failing
// its negative cell. Nothing of a run may be left.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';
import { containersOfRun, dockerGate, networksOfRun } from '../support/docker-daemon.ts';

const enabled = await dockerGate('vm end-to-end tests');

describe.runIf(enabled)('platform vm on container hosts', () => {
  it('upgrades by both methods, refuses the skip, and leaves nothing behind', { timeout: 600_000 }, async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/vm-small.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const results = await readResults(out);
    const cell = (id: string) => results.cells.find((c) => c.id === id)!;

    const rolling = cell('vm@container-host/1.0.0-to-1.1.0/package-rolling');
    expect(rolling.traffic!.failures).toBe(0);
    expect(rolling.integrity!.writesLost).toBe(0);
    expect(rolling.integrity!.writesAcknowledged).toBeGreaterThan(0);
    expect(rolling.environment!.machines!.map((m) => `${m.name}:${m.role}`)).toEqual(['app-1:app', 'app-2:app', 'db-1:database', 'lb-1:balancer']);
    // The documented order: the deploy node with post-deployment migrations skipped, then the other node without migrations, each drained first.
    const order = ['app-1: drained in HAProxy', 'app-1: SKIP_POST_DEPLOYMENT_MIGRATIONS=true apt-get install sample-app 1.1.0', 'app-1: 1.1.0 is up in HAProxy again', 'app-2: drained in HAProxy', 'app-2: sample-app: /etc/sample-app/skip-auto-migrations exists: no migrations run', 'app-2: 1.1.0 is up in HAProxy again', 'app-1: sample-app-migrate post 1.1.0'];
    const upgradeSteps = rolling.events.filter((event) => event.phase === 'upgrade' || event.phase === 'migrate-post').map((event) => event.message);
    let at = -1;
    for (const text of order) {
      at = upgradeSteps.findIndex((step, index) => index > at && step.startsWith(text));
      expect(at, `"${text}" in order in ${JSON.stringify(upgradeSteps, null, 1)}`).toBeGreaterThanOrEqual(0);
    }
    expect(rolling.phases.find((phase) => phase.name === 'migrate-post')).toBeDefined();
    expect(await readFile(join(out, rolling.logs!, 'app-2.journal.log'), 'utf8')).toMatch(/sample-app.*listening/);

    const inPlace = cell('vm@container-host/1.0.0-to-1.1.0/package-in-place');
    expect(inPlace.status).toBe('passed');
    // One copy of the app, restarted by its postinst: the outage is real and measured.
    expect(inPlace.traffic!.longestOutageMs).toBeGreaterThan(0);
    expect(inPlace.traffic!.outages[0]!.phase).toBe('upgrade');
    expect(inPlace.environment!.machines).toHaveLength(1);
    expect(inPlace.environment!.machines![0]!.kernel).toMatch(/^\d+\.\d+/);

    const refused = cell('vm@container-host/1.0.0-to-2.0.0/package-rolling');
    expect(refused.status).toBe('passed');
    expect(refused.events.some((event) => /refused, as expected: app-1: .*skips the required upgrade stop 1\.1\.0/.test(event.message))).toBe(true);
    expect(refused.traffic!.failures).toBe(0);
    expect(refused.events.some((event) => event.message === 'every replica and every sampled request reports 1.0.0')).toBe(true);

    expect(await containersOfRun(results.runId)).toEqual([]);
    expect(await networksOfRun(results.runId)).toEqual([]);
  });

  it('fails a negative cell whose package lets the skip through', { timeout: 300_000 }, async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/vm-no-refusal.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out)).cells;
    expect(cell!.status).toBe('failed');
    expect(cell!.error?.message).toContain('1.0.0 -> 2.0.0 skips the required upgrade stop 1.1.0 and should have been refused, but the upgrade went through');
  });

  it('rolls back from an irreversible version by restoring the backup, and counts the writes the restore lost', { timeout: 300_000 }, async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/vm-restore.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [cell] = (await readResults(out)).cells;
    const at = (pattern: RegExp) => Date.parse(cell!.events.find((event) => pattern.test(event.message))!.at);
    const backedUp = at(/^database backed up on app-1 before the upgrade to 1\.1\.0/);
    const stopped = at(/^every app node stopped/);
    expect(at(/^database restored on app-1/)).toBeGreaterThan(stopped);
    // Writes the app acknowledged between the backup and the stop are exactly what the restore loses.
    const rows = (await readFile(join(out, cell!.logs!, 'requests.csv'), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
    const acknowledgedBetween = rows.filter(([probe, sent, , , outcome]) => probe === 'write-ledger' && outcome === 'ok' && Number(sent) > backedUp && Number(sent) < stopped).length;
    expect(acknowledgedBetween).toBeGreaterThan(10);
    expect(cell!.integrity!.writesLost).toBe(0);
    // A write in flight at the backup or the stop may land on either side of it.
    expect(Math.abs(cell!.rollback!.integrity!.writesLost - acknowledgedBetween)).toBeLessThanOrEqual(2);
  });
});
