import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import type { Scenario } from '../../harness/matrix/cell.ts';
import { formatConfigError } from '../../harness/matrix/format-config-error.ts';
import { hopsKeepUpgradeStops, versionsRunOnPlatforms } from '../../harness/matrix/hop-rules.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import { matrixSchema } from '../../harness/matrix/matrix-schema.ts';

const root = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => join(root, 'test/fixtures/matrices', name);

async function problems(name: string): Promise<string[]> {
  const error = await loadMatrix(fixture(name)).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ConfigError);
  return formatConfigError(error as ConfigError, join(root, 'test/fixtures/matrices')).split('\n');
}

describe('named rules', () => {
  it('hops: unknown versions (listing the known), backwards hops, skipped upgrade stops, duplicates', async () => {
    expect(await problems('hop-rules.yaml')).toEqual([
      'hop-rules.yaml:5 hops[0].to: version 1.2.0 is not in scenario three-versions; known: 1.0.0, 1.1.0, 2.0.0',
      'hop-rules.yaml:6 hops[1].to: 1.1.0 -> 1.0.0 goes backwards: 1.0.0 comes before 1.1.0 in scenario three-versions',
      'hop-rules.yaml:7 hops[2].to: 1.0.0 -> 2.0.0 skips required upgrade stop 1.1.0; upgrade to 1.1.0 first (or, for a cell that checks that the upgrade is refused, add expect: refused)',
      'hop-rules.yaml:9 hops[4]: hop 1.0.0 -> 1.1.0 is listed twice',
      'hop-rules.yaml:10 methods[1]: method rolling is listed twice',
    ]);
  });

  it('probes need what they use: a write endpoint for the ledger, a journey for the browser', async () => {
    expect(await problems('probe-rules.yaml')).toEqual([
      'probe-rules.yaml:7 probes.write-ledger: scenario tiny-http has no write endpoint (probes.write): add one, or drop the write-ledger probe',
      'probe-rules.yaml:8 probes.browser: scenario tiny-http has no browser journey (probes.browser: { path, form }): add one, or drop the browser probe',
    ]);
  });

  it('chained walks a path, so it needs one', async () => {
    expect(await problems('chained-hops.yaml')).toEqual([
      'chained-hops.yaml:5 chained: chained walks a path: give path (a list of versions) instead of hops',
    ]);
  });

  it('a path may not skip an upgrade stop either', async () => {
    expect(await problems('path-skips-stop.yaml')).toEqual([
      'path-skips-stop.yaml:4 path[1]: 1.0.0 -> 2.0.0 skips required upgrade stop 1.1.0; upgrade to 1.1.0 first',
    ]);
  });

  it('canary steps ascend and end at 100; an empty `when`; `when` versions the scenario lacks', async () => {
    expect(await problems('config-rules.yaml')).toEqual([
      'config-rules.yaml:7 canary.steps: canary steps must end at 100 (all traffic on the new version), got [50, 10, 90]',
      'config-rules.yaml:7 canary.steps[1]: canary steps must ascend: 10 follows 50',
      'config-rules.yaml:9 overrides[0].when: name at least one of platform, method, from, to, machine (an empty match applies to every cell)',
      'config-rules.yaml:11 overrides[1].when.from[1]: version 1.5.0 is not in scenario three-versions; known: 1.0.0, 1.1.0, 2.0.0',
      'config-rules.yaml:14 exclude[0].to: version 3.0.0 is not in scenario three-versions; known: 1.0.0, 1.1.0, 2.0.0',
    ]);
  });

  it('an override or exclude naming an unknown method or platform, alone or in a list', async () => {
    expect(await problems('when-unknown.yaml')).toEqual([
      'when-unknown.yaml:7 overrides[0].when.method: unknown method "rolingg"; known: recreate, rolling, blue-green, canary, helm, operator, package-in-place, package-rolling',
      'when-unknown.yaml:9 overrides[1].when.from: expected a string or a list, got number 1',
      'when-unknown.yaml:12 exclude[0].platform[1]: unknown platform "kubernets"; known: local, docker, kind, k3d, kubernetes, vm',
    ]);
  });

  it('exactly one of hops and path', async () => {
    expect(await problems('hops-and-path.yaml')).toEqual(['hops-and-path.yaml:5 path: give either hops or path, not both']);
  });

  it('a scenario that cannot be found names what was tried and the scenarios that exist', async () => {
    const [line, ...rest] = await problems('scenario-missing.yaml');
    expect(rest).toEqual([]);
    expect(line).toBe(
      `scenario-missing.yaml:2 scenario: scenario "no-such-app" not found; tried ${join(root, 'scenarios/no-such-app/scenario.yaml')}; known: sample-app`,
    );
  });

  it('a matrix whose every cell is excluded', async () => {
    expect(await problems('all-excluded.yaml')).toEqual(['all-excluded.yaml:7 exclude: the matrix expands to no cells: every cell is excluded']);
  });
});

describe('named rules as functions', () => {
  const scenario: Scenario = {
    name: 'app',
    file: '/apps/app/scenario.yaml',
    dir: '/apps/app',
    versions: [
      { version: '1', run: { local: { command: ['app'], cwd: '/apps/app', env: {} } } },
      { version: '2', run: {} },
      { version: '3', run: {} },
      { version: '4', run: {} },
    ],
    upgradeStops: ['2', '3'],
    endpoints: { health: '/h', ready: '/r', version: { path: '/v' } },
    probes: { read: { method: 'GET', path: '/' } },
    startTimeoutMs: 1000,
    stopGraceMs: 1000,
    database: 'postgres',
  };
  const config = (hops: { from: string; to: string }[]) =>
    matrixSchema.parse({ name: 'm', scenario: 'app', platforms: ['local'], hops, methods: ['rolling'] });

  it('names every stop a hop skips, and the first one to go to', () => {
    expect(hopsKeepUpgradeStops(config([{ from: '1', to: '4' }]), scenario)).toEqual([
      { path: ['hops', 0, 'to'], message: '1 -> 4 skips required upgrade stops 2, 3; upgrade to 2 first (or, for a cell that checks that the upgrade is refused, add expect: refused)' },
    ]);
    expect(hopsKeepUpgradeStops(config([{ from: '3', to: '4' }]), scenario)).toEqual([]);
  });

  it('every version a hop uses needs a run command for each platform of the matrix', () => {
    expect(versionsRunOnPlatforms(config([{ from: '1', to: '2' }]), scenario)).toEqual([
      { path: ['platforms', 0], message: 'scenario app gives version 2 no run.local command, so platform local cannot start it' },
    ]);
  });
});
