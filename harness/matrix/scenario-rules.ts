// Named rules a scenario must meet once its schema passes. Each returns every issue it finds.
import { runPlatforms } from './cell.ts';
import { closest } from './did-you-mean.ts';
import type { FoundIssue, PathSegment } from './found-issue.ts';
import { kubernetesFilesExist } from './kubernetes-rules.ts';
import { knownPlaceholders, placeholdersIn } from './placeholders.ts';
import type { CommandSpecConfig, DockerRunConfig, ScenarioConfig } from './scenario-schema.ts';

export function duplicateVersions(config: ScenarioConfig): FoundIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: FoundIssue[] = [];
  config.versions.forEach(({ version }, index) => {
    const first = firstIndex.get(version);
    if (first === undefined) firstIndex.set(version, index);
    else issues.push({ path: ['versions', index, 'version'], message: `duplicate version ${version} (also versions[${first}])` });
  });
  return issues;
}

export function upgradeStopsAreVersions(config: ScenarioConfig): FoundIssue[] {
  const known = [...new Set(config.versions.map((entry) => entry.version))];
  return config.upgradeStops.flatMap((stop, index) =>
    known.includes(stop)
      ? []
      : [{ path: ['upgradeStops', index], message: `version ${stop} is not in versions; known: ${known.join(', ')}` }],
  );
}

export function unknownPlaceholders(config: ScenarioConfig): FoundIssue[] {
  return commandSpecsIn(config).flatMap(({ spec, path }) => [
    ...spec.command.flatMap((arg, index) => checkText(arg, [...path, 'command', index])),
    ...('cwd' in spec ? checkText(spec.cwd, [...path, 'cwd']) : []),
    ...('image' in spec ? checkText(spec.image, [...path, 'image']) : []),
    ...Object.entries(spec.env).flatMap(([key, value]) => checkText(String(value), [...path, 'env', key])),
  ]);
}

/** A version no platform can start is a mistake whatever the matrix says. */
export function everyVersionRuns(config: ScenarioConfig): FoundIssue[] {
  // Packaged for Kubernetes or as a Linux package, every version can start there (manifests or
  // chart: kubernetesFilesExist checks them; a package is built per version); a local or docker
  // matrix is still held to its run commands by versionsRunOnPlatforms.
  if (config.kubernetes || config.vm) return [];
  return config.versions.flatMap((entry, index) => {
    const runs = runPlatforms.some((platform) => {
      const own = entry.run?.[platform];
      return own !== undefined ? own !== null : config.defaults.run?.[platform] !== undefined;
    });
    return runs
      ? []
      : [{ path: ['versions', index], message: `version ${entry.version} has no run command: give defaults.run.local or versions[${index}].run.local` }];
  });
}

export const scenarioRules = [duplicateVersions, upgradeStopsAreVersions, unknownPlaceholders, everyVersionRuns, kubernetesFilesExist];

function checkText(text: string, path: PathSegment[]): FoundIssue[] {
  return placeholdersIn(text)
    .filter((name) => !knownPlaceholders.includes(name))
    .map((name) => {
      const match = closest(name.trim(), knownPlaceholders);
      const fix = match !== undefined ? `did you mean {{${match}}}?` : `known: ${knownPlaceholders.map((known) => `{{${known}}}`).join(', ')}`;
      return { path, message: `unknown placeholder {{${name}}}; ${fix}` };
    });
}

function commandSpecsIn(config: ScenarioConfig): { spec: CommandSpecConfig | DockerRunConfig; path: PathSegment[] }[] {
  const specs: { spec: CommandSpecConfig | DockerRunConfig; path: PathSegment[] }[] = [];
  const add = (spec: CommandSpecConfig | DockerRunConfig | null | undefined, path: PathSegment[]) => {
    if (spec) specs.push({ spec, path });
  };
  for (const platform of runPlatforms) add(config.defaults.run?.[platform], ['defaults', 'run', platform]);
  add(config.defaults.preMigrate, ['defaults', 'preMigrate']);
  add(config.defaults.postMigrate, ['defaults', 'postMigrate']);
  config.versions.forEach((entry, index) => {
    for (const platform of runPlatforms) add(entry.run?.[platform], ['versions', index, 'run', platform]);
    add(entry.preMigrate, ['versions', index, 'preMigrate']);
    add(entry.postMigrate, ['versions', index, 'postMigrate']);
  });
  return specs;
}
