// A validated scenario file -> the Scenario the harness runs: defaults applied per version,
// {{version}} filled in, working folders absolute.
import { dirname, resolve } from 'node:path';
import { platformNames, type CommandSpec, type Scenario, type ScenarioVersion } from './cell.ts';
import { fillPlaceholders } from './placeholders.ts';
import type { CommandSpecConfig, EnvConfig, ScenarioConfig } from './scenario-schema.ts';

export function resolveScenario(config: ScenarioConfig, file: string): Scenario {
  const dir = dirname(file);
  const scenario: Scenario = {
    name: config.name,
    file,
    dir,
    versions: config.versions.map((entry) => resolveVersion(config, entry, dir)),
    upgradeStops: config.upgradeStops,
    endpoints: config.endpoints,
    probes: config.probes.write ? { read: config.probes.read, write: config.probes.write } : { read: config.probes.read },
    startTimeoutMs: config.timeouts.startMs,
    stopGraceMs: config.timeouts.stopGraceMs,
  };
  return scenario;
}

type VersionConfig = ScenarioConfig['versions'][number];

function resolveVersion(config: ScenarioConfig, entry: VersionConfig, dir: string): ScenarioVersion {
  const toSpec = (spec: CommandSpecConfig) => resolveSpec(spec, entry.env ?? {}, entry.version, dir);
  const run: ScenarioVersion['run'] = {};
  for (const platform of platformNames) {
    const spec = pick(entry.run?.[platform], config.defaults.run?.[platform]);
    if (spec) run[platform] = toSpec(spec);
  }
  const version: ScenarioVersion = { version: entry.version, run };
  const preMigrate = pick(entry.preMigrate, config.defaults.preMigrate);
  const postMigrate = pick(entry.postMigrate, config.defaults.postMigrate);
  if (preMigrate) version.preMigrate = toSpec(preMigrate);
  if (postMigrate) version.postMigrate = toSpec(postMigrate);
  return version;
}

/** The version's own value replaces the default; null means "none for this version". */
function pick<T>(own: T | null | undefined, fallback: T | undefined): T | undefined {
  if (own === null) return undefined;
  return own ?? fallback;
}

function resolveSpec(spec: CommandSpecConfig, versionEnv: EnvConfig, version: string, dir: string): CommandSpec {
  const fill = (text: string) => fillPlaceholders(text, { version });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...spec.env, ...versionEnv })) env[key] = fill(String(value));
  return { command: spec.command.map(fill), cwd: resolve(dir, fill(spec.cwd)), env };
}
