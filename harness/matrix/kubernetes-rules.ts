// Named rules for Kubernetes: in the scenario (its packaging's files exist), in the matrix (methods
// each platform carries out, a front door for the HTTP probes), and across both (the packaging a
// method needs).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pointerResolves } from '../util/json-pointer.ts';
import { isKubernetesPlatform, methodsByPlatform, type Scenario } from './cell.ts';
import type { FoundIssue, PathSegment } from './found-issue.ts';
import type { CrossRule } from './hop-rules.ts';
import type { MatrixConfig } from './matrix-schema.ts';
import type { OperatorConfig } from './kubernetes-operator-schema.ts';
import type { ScenarioConfig } from './scenario-schema.ts';

type OperatorInstallConfig = OperatorConfig['install'];

/** Every file the `kubernetes:` section names is there: a chart folder holds Chart.yaml. */
export function kubernetesFilesExist(config: ScenarioConfig, file: string): FoundIssue[] {
  const k = config.kubernetes;
  if (!k) return [];
  const dir = dirname(file);
  const issues: FoundIssue[] = [];
  const need = (relative: string | undefined, path: PathSegment[], what: string) => {
    if (relative !== undefined && !existsSync(resolve(dir, relative))) issues.push({ path, message: `${what} ${resolve(dir, relative)} does not exist` });
  };
  need(k.manifests, ['kubernetes', 'manifests'], 'manifests');
  need(k.migrations?.pre, ['kubernetes', 'migrations', 'pre'], 'Job manifest');
  need(k.migrations?.post, ['kubernetes', 'migrations', 'post'], 'Job manifest');
  config.versions.forEach((entry, index) => need(entry.kubernetes?.manifests, ['versions', index, 'kubernetes', 'manifests'], 'manifests'));
  if (k.chart) {
    const chart = resolve(dir, k.chart.path);
    if (!existsSync(chart)) issues.push({ path: ['kubernetes', 'chart', 'path'], message: `chart ${chart} does not exist` });
    else if (statSync(chart).isDirectory() && !existsSync(join(chart, 'Chart.yaml'))) {
      issues.push({ path: ['kubernetes', 'chart', 'path'], message: `${chart} is not a chart: it has no Chart.yaml` });
    }
  }
  if (k.operator) {
    const install = (install: OperatorInstallConfig | undefined, at: PathSegment[]) => {
      need(install?.crds, [...at, 'crds'], 'CRDs');
      need(install?.manifests, [...at, 'manifests'], 'manifests');
      need(install?.chart?.path, [...at, 'chart', 'path'], 'chart');
    };
    install(k.operator.install, ['kubernetes', 'operator', 'install']);
    const resource = (relative: string | undefined, at: PathSegment[]) => {
      if (relative === undefined) return;
      const path = resolve(dir, relative);
      if (!existsSync(path)) issues.push({ path: at, message: `custom resource template ${path} does not exist` });
      else issues.push(...resourceTemplateProblems(path, k.operator!.versionField).map((message) => ({ path: at, message })));
    };
    resource(k.operator.resource, ['kubernetes', 'operator', 'resource']);
    config.versions.forEach((entry, index) => {
      install(entry.kubernetes?.operator, ['versions', index, 'kubernetes', 'operator']);
      resource(entry.kubernetes?.resource, ['versions', index, 'kubernetes', 'resource']);
    });
  }
  if (!k.manifests && !k.chart && !k.operator) issues.push({ path: ['kubernetes'], message: 'give manifests (a YAML file or folder), a chart, an operator, or more than one' });
  return issues;
}

/** The template is one Kubernetes object, named, in which the version field exists. */
function resourceTemplateProblems(path: string, versionField: string): string[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const objects = documents.filter((document) => document.errors.length > 0 || document.contents !== null);
  const broken = objects.find((document) => document.errors.length > 0);
  if (broken) return [`${path}:${broken.errors[0]!.linePos?.[0].line ?? 1}: ${broken.errors[0]!.message.split('\n')[0]}`];
  if (objects.length !== 1) return [`${path} must hold exactly one document, the custom resource (it holds ${objects.length})`];
  const object = objects[0]!.toJS() as Record<string, unknown> | null;
  const metadata = object?.metadata as Record<string, unknown> | undefined;
  if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof metadata?.name !== 'string') {
    return [`${path} is not a Kubernetes object: it needs apiVersion, kind and metadata.name`];
  }
  return pointerResolves(object, versionField)
    ? []
    : [`${path} has no field ${versionField} (kubernetes.operator.versionField): write it in the template, e.g. version: "{{version}}"`];
}

/**
 * The same check on a scenario whose schema failed, so a missing chart or manifest is reported
 * with the schema's issues, all at once: only the paths that are strings are looked at, and the
 * "give manifests or a chart" issue is left to the checked run (a broken chart would trip it).
 */
export function kubernetesFilesExistUnchecked(data: unknown, file: string): FoundIssue[] {
  const map = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const root = map(data);
  if (!('kubernetes' in root)) return [];
  const k = map(root.kubernetes);
  const chartPath = text(map(k.chart).path);
  const view = {
    kubernetes: {
      manifests: text(k.manifests),
      migrations: { pre: text(map(k.migrations).pre), post: text(map(k.migrations).post) },
      chart: chartPath === undefined ? undefined : { path: chartPath },
    },
    versions: (Array.isArray(root.versions) ? root.versions : []).map((entry) => ({ kubernetes: { manifests: text(map(map(entry).kubernetes).manifests) } })),
  } as unknown as ScenarioConfig;
  return kubernetesFilesExist(view, file).filter((issue) => issue.path.length > 1);
}

/** The scenario says how the operator runs where the matrix wants it: a process, or manifests or a chart in the cluster. */
function operatorRunsThere(config: MatrixConfig, scenario: Scenario, index: number): FoundIssue[] {
  const runsAs = config.kubernetes.operatorRunsAs;
  const installs = [
    { where: 'kubernetes.operator.install', install: scenario.kubernetes!.operator!.install },
    ...scenario.versions.flatMap((entry) => (entry.kubernetes?.operator ? [{ where: `the operator of version ${entry.version}`, install: entry.kubernetes.operator }] : [])),
  ];
  return installs
    .filter(({ install }) => (runsAs === 'process' ? !install.process : !install.manifests && !install.chart))
    .map(({ where }) => ({
      path: ['methods', index],
      message:
        runsAs === 'process'
          ? `kubernetes.operatorRunsAs is process, but ${where} in scenario ${scenario.name} gives no process`
          : `the operator runs in the cluster (kubernetes.operatorRunsAs: cluster), but ${where} in scenario ${scenario.name} gives no manifests or chart; set operatorRunsAs: process to run its process here`,
    }));
}

/** A (platform, method) pair the platform does not carry out. */
export function methodsRunOnPlatforms(config: MatrixConfig): FoundIssue[] {
  return config.methods.flatMap((method, index) =>
    config.platforms
      .filter((platform) => !methodsByPlatform[platform].includes(method))
      .map((platform) => ({
        path: ['methods', index],
        message: `method ${method} does not exist on platform ${platform}; there: ${methodsByPlatform[platform].join(', ')}`,
      })),
  );
}

/** An existing cluster has no front door the harness can publish: HTTP probes need the user's trafficUrl. */
export function httpProbesNeedFrontDoor(config: MatrixConfig): FoundIssue[] {
  if (!config.platforms.includes('kubernetes') || config.kubernetes.trafficUrl) return [];
  const probes = config.probes ?? {};
  const asked = [
    ...(probes.http === null ? [] : ['http']),
    ...(['http-new-connection', 'write-ledger', 'browser', 'k6'] as const).filter((name) => probes[name]),
  ];
  return asked.length === 0
    ? []
    : [
        {
          path: ['kubernetes'],
          message: `platform kubernetes has no front door for the ${asked.join(', ')} probe${asked.length > 1 ? 's' : ''}: set kubernetes.trafficUrl (where the app's Service is reachable from this machine, e.g. http://127.0.0.1:30080), or turn ${asked.length > 1 ? 'them' : 'it'} off (probes: { http: null })`,
        },
      ];
}

/** Node images are a kind and k3d matter; an existing cluster runs what it runs. */
export function kubernetesVersionsNeedClusters(config: MatrixConfig): FoundIssue[] {
  const makesClusters = config.platforms.some((platform) => platform === 'kind' || platform === 'k3d');
  return config.kubernetes.versions && !makesClusters
    ? [{ path: ['kubernetes', 'versions'], message: 'versions pick the node images of kind and k3d clusters; add platform kind or k3d, or drop versions' }]
    : [];
}

/** A Kubernetes platform needs the scenario's packaging; helm needs a chart, the others manifests or a chart. */
export const scenarioIsPackagedForKubernetes: CrossRule = (config, scenario: Scenario) => {
  const onKubernetes = config.platforms.map((platform, index) => ({ platform, index })).filter(({ platform }) => isKubernetesPlatform(platform));
  if (onKubernetes.length === 0) return [];
  const k = scenario.kubernetes;
  if (!k) {
    return onKubernetes.map(({ platform, index }) => ({
      path: ['platforms', index],
      message: `scenario ${scenario.name} has no kubernetes section (chart or manifests), so platform ${platform} cannot install it`,
    }));
  }
  return config.methods.flatMap((method, index) => {
    if (method === 'helm' && !k.chart) return [{ path: ['methods', index], message: `method helm needs a chart: scenario ${scenario.name} has no kubernetes.chart` }];
    if (method === 'operator' && !k.operator) return [{ path: ['methods', index], message: `method operator needs an operator: scenario ${scenario.name} has no kubernetes.operator` }];
    if (method === 'operator') return operatorRunsThere(config, scenario, index);
    if (method !== 'helm' && !k.manifests && !k.chart) {
      return [{ path: ['methods', index], message: `method ${method} applies manifests or a chart: scenario ${scenario.name} has only an operator (use method operator)` }];
    }
    return [];
  });
};
