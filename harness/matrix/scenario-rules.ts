// Named rules a scenario must meet once its schema passes. Each returns every issue it finds.
import { runPlatforms } from './cell.ts';
import { closest } from './did-you-mean.ts';
import type { FoundIssue, PathSegment } from './found-issue.ts';
import { kubernetesFilesExist } from './kubernetes-rules.ts';
import { allPlaceholders, placeholdersFor, placeholdersIn, type PlaceholderContext } from './placeholders.ts';
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

/** Every placeholder is one that is filled where it stands; probes' write body and read-back name their key. */
export function unknownPlaceholders(config: ScenarioConfig): FoundIssue[] {
  const database = config.database !== 'none';
  const issues = textsIn(config).flatMap(({ text, path, context }) => checkText(text, path, context, database));
  const write = config.probes.write;
  if (write?.body !== undefined) {
    for (const needed of ['key', 'value']) {
      if (!placeholdersIn(write.body).includes(needed)) issues.push({ path: ['probes', 'write', 'body'], message: `the write body must hold {{${needed}}}: each write is unique, and its value is read back` });
    }
  }
  if (write && typeof write.readBack === 'object' && !placeholdersIn(write.readBack.path).includes('key')) {
    issues.push({ path: ['probes', 'write', 'readBack', 'path'], message: 'the read-back path must hold {{key}}, e.g. /api/notes?title={{key}}' });
  }
  return issues;
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

const contextWords: Record<PlaceholderContext, string> = {
  run: 'run commands',
  migration: 'migrations (no replica runs them)',
  setup: 'the setup step',
  probe: 'probe paths and headers',
  'write-path': 'the write path',
  'write-body': 'the write body',
  'read-back': 'the read-back path',
};

function checkText(text: string, path: PathSegment[], context: PlaceholderContext, database: boolean): FoundIssue[] {
  const known = placeholdersFor(context, database);
  const knownHere = (name: string) => known.includes(name) || (known.includes('setup.') && /^setup\.[A-Za-z_][\w-]*$/.test(name));
  return placeholdersIn(text)
    .filter((name) => !knownHere(name))
    .map((name) => {
      const listed = known.map((entry) => (entry === 'setup.' ? '{{setup.NAME}}' : `{{${entry}}}`)).join(', ');
      if (name === 'databaseUrl' && !database) return { path, message: `{{databaseUrl}} is not filled: the scenario says database: none (no PostgreSQL is started); known here: ${listed}` };
      if (allPlaceholders.includes(name) || (name.startsWith('setup.') && known.length > 0)) {
        return { path, message: `{{${name}}} is not filled in ${contextWords[context]}; known here: ${listed}` };
      }
      const match = closest(name.trim(), allPlaceholders.filter((entry) => knownHere(entry === 'setup.NAME' ? 'setup.x' : entry)));
      const fix = match !== undefined ? `did you mean {{${match}}}?` : `known here: ${listed}`;
      return { path, message: `unknown placeholder {{${name}}}; ${fix}` };
    });
}

interface PlacedText {
  text: string;
  path: PathSegment[];
  context: PlaceholderContext;
}

/** Every text of the scenario that may hold placeholders, with where it is and what fills it. */
function textsIn(config: ScenarioConfig): PlacedText[] {
  const texts: PlacedText[] = [];
  const add = (spec: CommandSpecConfig | DockerRunConfig | null | undefined, path: PathSegment[], context: PlaceholderContext) => {
    if (!spec) return;
    spec.command.forEach((arg, index) => texts.push({ text: arg, path: [...path, 'command', index], context }));
    if ('cwd' in spec) texts.push({ text: spec.cwd, path: [...path, 'cwd'], context });
    if ('image' in spec) texts.push({ text: spec.image, path: [...path, 'image'], context });
    for (const [key, value] of Object.entries(spec.env)) texts.push({ text: String(value), path: [...path, 'env', key], context });
  };
  for (const platform of runPlatforms) add(config.defaults.run?.[platform], ['defaults', 'run', platform], 'run');
  add(config.defaults.preMigrate, ['defaults', 'preMigrate'], 'migration');
  add(config.defaults.postMigrate, ['defaults', 'postMigrate'], 'migration');
  config.versions.forEach((entry, index) => {
    for (const platform of runPlatforms) add(entry.run?.[platform], ['versions', index, 'run', platform], 'run');
    add(entry.preMigrate, ['versions', index, 'preMigrate'], 'migration');
    add(entry.postMigrate, ['versions', index, 'postMigrate'], 'migration');
    if (entry.rollback && 'command' in entry.rollback) add(entry.rollback, ['versions', index, 'rollback'], 'migration');
  });
  add(config.setup, ['setup'], 'setup');
  const { read, write } = config.probes;
  const probe = (endpoint: { path: string; headers: Record<string, string | number> }, name: string) => {
    texts.push({ text: endpoint.path, path: ['probes', name, 'path'], context: name === 'write' ? 'write-path' : 'probe' });
    for (const [header, value] of Object.entries(endpoint.headers)) texts.push({ text: String(value), path: ['probes', name, 'headers', header], context: 'probe' });
  };
  probe(read, 'read');
  if (write) {
    probe(write, 'write');
    if (write.body !== undefined) texts.push({ text: write.body, path: ['probes', 'write', 'body'], context: 'write-body' });
    if (typeof write.readBack === 'object') texts.push({ text: write.readBack.path, path: ['probes', 'write', 'readBack', 'path'], context: 'read-back' });
  }
  return texts;
}
