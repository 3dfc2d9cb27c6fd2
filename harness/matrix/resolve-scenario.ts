// A validated scenario file -> the Scenario the harness runs: defaults applied per version,
// {{version}} filled in, working folders absolute.
import { dirname, resolve } from 'node:path';
import type { CommandSpec, DockerRunSpec, ImageBuildSpec, KubernetesPackaging, OperatorInstall, OperatorPackaging, Scenario, ScenarioVersion, StatusRule } from './cell.ts';
import type { OperatorConfig, StatusRuleConfig } from './kubernetes-operator-schema.ts';
import { fillPlaceholders } from './placeholders.ts';
import type { CommandSpecConfig, DockerRunConfig, EnvConfig, ScenarioConfig } from './scenario-schema.ts';

export function resolveScenario(config: ScenarioConfig, file: string): Scenario {
  const dir = dirname(file);
  const scenario: Scenario = {
    name: config.name,
    file,
    dir,
    versions: config.versions.map((entry, index) => resolveVersion(config, entry, index, file)),
    upgradeStops: config.upgradeStops,
    endpoints: { ...config.endpoints, version: typeof config.endpoints.version === 'string' ? { path: config.endpoints.version } : config.endpoints.version },
    probes: resolveProbes(config.probes),
    startTimeoutMs: config.timeouts.startMs,
    stopGraceMs: config.timeouts.stopGraceMs,
    database: config.database === 'none' ? 'none' : 'postgres',
  };
  if (typeof config.database === 'object') scenario.databaseImage = config.database.image;
  if (config.setup) {
    const first = config.versions[0]!.version;
    scenario.setup = { ...resolveSpec(config.setup, {}, first, dir), origin: { file, field: 'setup' } };
  }
  if (config.images?.operator) scenario.operatorImage = resolveImage(config.images.operator, '', dir);
  if (config.kubernetes) scenario.kubernetes = resolveKubernetes(config, dir);
  if (config.vm) scenario.vm = { ...config.vm.package, build: { command: config.vm.package.build.command, cwd: resolve(dir, config.vm.package.build.cwd) } };
  return scenario;
}

function resolveProbes(probes: ScenarioConfig['probes']): Scenario['probes'] {
  const headers = (given: Record<string, string | number>) => Object.fromEntries(Object.entries(given).map(([name, value]) => [name, String(value)]));
  const { write, browser } = probes;
  return {
    read: { ...probes.read, headers: headers(probes.read.headers) },
    ...(write
      ? {
          write: {
            ...write,
            headers: headers(write.headers),
            // The plain form: GET <readBack>/<key> answers {key, value}.
            readBack: typeof write.readBack === 'string' ? { path: `${write.readBack}/{{key}}` } : write.readBack,
          },
        }
      : {}),
    ...(browser ? { browser } : {}),
  };
}

function resolveKubernetes(config: ScenarioConfig, dir: string): KubernetesPackaging {
  const k = config.kubernetes!;
  const appImages = k.image ? config.versions.map((entry) => fillPlaceholders(k.image!, { version: entry.version })) : [];
  return {
    workload: k.workload,
    stateful: k.stateful,
    // Registry images are pulled by the nodes themselves; only locally built ones are loaded.
    images: k.loadImages ? [...new Set([...appImages, ...k.images, ...(k.operator && config.images?.operator ? [config.images.operator.tag] : [])])] : [],
    ...(k.manifests ? { manifests: resolve(dir, k.manifests) } : {}),
    migrations: {
      ...(k.migrations?.pre ? { pre: resolve(dir, k.migrations.pre) } : {}),
      ...(k.migrations?.post ? { post: resolve(dir, k.migrations.post) } : {}),
    },
    ...(k.chart
      ? {
          chart: {
            path: resolve(dir, k.chart.path),
            release: k.chart.release,
            values: k.chart.values,
            methodValues: k.chart.methodValues,
            ...(k.chart.postMigrateValues ? { postMigrateValues: k.chart.postMigrateValues } : {}),
          },
        }
      : {}),
    ...(k.operator ? { operator: resolveOperator(k.operator, dir) } : {}),
  };
}

function resolveOperator(operator: OperatorConfig, dir: string): OperatorPackaging {
  return {
    install: resolveOperatorInstall(operator.install, dir),
    resource: resolve(dir, operator.resource),
    versionField: operator.versionField,
    done: statusRule(operator.done),
    ...(operator.refused ? { refused: statusRule(operator.refused) } : {}),
    ...(operator.failed ? { failed: statusRule(operator.failed) } : {}),
    timeoutMs: operator.timeoutMs,
  };
}

function resolveOperatorInstall(install: OperatorInstallConfig, dir: string): OperatorInstall {
  return {
    ...(install.crds ? { crds: resolve(dir, install.crds) } : {}),
    ...(install.manifests ? { manifests: resolve(dir, install.manifests) } : {}),
    ...(install.chart ? { chart: { ...install.chart, path: resolve(dir, install.chart.path) } } : {}),
    // {{namespace}}, {{kubeconfig}}, {{upgradeStops}} are the cell's to fill.
    ...(install.process ? { process: resolveSpec(install.process, {}, '', dir) } : {}),
    ...(install.readyLine ? { readyLine: install.readyLine } : {}),
  };
}

function statusRule(rule: StatusRuleConfig): StatusRule {
  const { condition, field } = rule;
  return {
    ...(condition ? { condition: { type: condition.type, status: condition.status, ...(condition.reason ? { reason: [condition.reason].flat() } : {}) } } : {}),
    ...(field ? { field } : {}),
  };
}

type VersionConfig = ScenarioConfig['versions'][number];
type OperatorInstallConfig = OperatorConfig['install'];

function resolveVersion(config: ScenarioConfig, entry: VersionConfig, index: number, file: string): ScenarioVersion {
  const dir = dirname(file);
  const toSpec = (spec: CommandSpecConfig, field: string) => ({ ...resolveSpec(spec, entry.env ?? {}, entry.version, dir), origin: { file, field } });
  // The dot-path of what applies to this version: its own field, or the default it falls back to.
  const field = (own: unknown, name: string) => (own !== undefined ? `versions[${index}].${name}` : `defaults.${name}`);
  const run: ScenarioVersion['run'] = {};
  const local = pick(entry.run?.local, config.defaults.run?.local);
  if (local) run.local = toSpec(local, field(entry.run?.local, 'run.local'));
  const docker = pick(entry.run?.docker, config.defaults.run?.docker);
  if (docker) run.docker = resolveDocker(docker, entry.env ?? {}, entry.version);
  const version: ScenarioVersion = { version: entry.version, run };
  if (entry.rollback) version.rollback = 'restore' in entry.rollback ? { restore: 'snapshot' } : { down: toSpec(entry.rollback, `versions[${index}].rollback`) };
  if (config.images) version.image = resolveImage(config.images.app, entry.version, dir);
  const preMigrate = pick(entry.preMigrate, config.defaults.preMigrate);
  const postMigrate = pick(entry.postMigrate, config.defaults.postMigrate);
  if (preMigrate) version.preMigrate = toSpec(preMigrate, field(entry.preMigrate, 'preMigrate'));
  if (postMigrate) version.postMigrate = toSpec(postMigrate, field(entry.postMigrate, 'postMigrate'));
  if (config.kubernetes) {
    version.kubernetes = {
      values: entry.kubernetes?.values ?? {},
      ...(entry.kubernetes?.manifests ? { manifests: resolve(dir, entry.kubernetes.manifests) } : {}),
      ...(config.kubernetes.image ? { image: fillPlaceholders(config.kubernetes.image, { version: entry.version }) } : {}),
      ...(entry.kubernetes?.resource ? { resource: resolve(dir, entry.kubernetes.resource) } : {}),
      ...(entry.kubernetes?.operator ? { operator: resolveOperatorInstall(entry.kubernetes.operator, dir) } : {}),
    };
  }
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

function resolveDocker(spec: DockerRunConfig, versionEnv: EnvConfig, version: string): DockerRunSpec {
  const fill = (text: string) => fillPlaceholders(text, { version });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...spec.env, ...versionEnv })) env[key] = fill(String(value));
  return { image: fill(spec.image), port: spec.port, command: spec.command.map(fill), env };
}

function resolveImage(spec: NonNullable<ScenarioConfig['images']>['app'], version: string, dir: string): ImageBuildSpec {
  const fill = (text: string) => fillPlaceholders(text, { version });
  return {
    tag: fill(spec.tag),
    dockerfile: resolve(dir, fill(spec.dockerfile)),
    context: resolve(dir, fill(spec.context)),
    include: spec.include.map(fill),
    nodePackages: spec.nodePackages,
    args: Object.fromEntries(Object.entries(spec.args).map(([key, value]) => [key, fill(String(value))])),
  };
}
