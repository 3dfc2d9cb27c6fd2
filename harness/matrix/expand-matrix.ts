// Plan, then apply: a validated matrix -> its cells. Pure and deterministic
// (platform, then hop, then method, each in the order the file gives them).
import { dirname, resolve } from 'node:path';
import { cellId, isKubernetesPlatform, type Cell, type GateThresholds, type KubernetesCellSettings, type MethodName, type PlatformName, type ProbeSettings, type Scenario, type VmCellSettings } from './cell.ts';
import { hopsOf } from './hops.ts';
import type { MatrixConfig, MatrixOverride, When } from './matrix-schema.ts';

interface CellKey {
  platform: PlatformName;
  method: MethodName;
  from: string;
  to: string;
  machine?: VmCellSettings['kind'];
}

/** The upgrades a cell makes: one hop, or (chained) a whole path through its stops. */
function routesOf(config: MatrixConfig): { from: string; to: string; via: string[]; expect: Cell['expect'] }[] {
  if (config.chained && config.path) return [{ from: config.path[0]!, to: config.path.at(-1)!, via: config.path.slice(1, -1), expect: 'upgrade' }];
  return hopsOf(config).map(({ from, to, expect }) => ({ from, to, via: [], expect }));
}

type CellSettings = Pick<Cell, 'replicas' | 'traffic' | 'rollback' | 'autoRollback' | 'slo' | 'gates' | 'methodOptions' | 'deadlineMs' | 'starvation'>;

const DEFAULT_LEDGER_RATE = 10;

/** Gates every cell has unless the matrix removes them with null. */
const defaultGates: GateThresholds = { lostWrites: 0, unintendedRestarts: 0 };

export function expandMatrix(config: MatrixConfig, scenario: Scenario, matrixFile: string): Cell[] {
  const cells: Cell[] = [];
  for (const platform of config.platforms) {
    const probes = probeSettings(config, scenario, matrixFile, platform);
    for (const { kubernetes, vm } of platformAxis(config, platform, matrixFile)) {
      for (const { from, to, via, expect } of routesOf(config)) {
        for (const method of config.methods) {
          const key: CellKey = { platform, method, from, to, ...(vm ? { machine: vm.kind } : {}) };
          if (config.exclude.some((when) => matches(when, key))) continue;
          const settings = config.overrides.filter((override) => matches(override.when, key)).reduce(applyOverride, baseSettings(config));
          const id = cellId(platform, from, to, method, via, kubernetes?.version ?? vm?.kind);
          const { machine: _machine, ...cellKey } = key;
          cells.push({ id, matrix: config.name, matrixFile, scenario, ...cellKey, via, expect, ...settings, probes, ...(kubernetes ? { kubernetes } : {}), ...(vm ? { vm } : {}) });
        }
      }
    }
  }
  return cells;
}

/** What further names a platform's cells: a Kubernetes version, a kind of machine. */
function platformAxis(config: MatrixConfig, platform: PlatformName, matrixFile: string): { kubernetes?: KubernetesCellSettings; vm?: VmCellSettings }[] {
  if (platform === 'vm') return vmAxis(config, matrixFile).map((vm) => ({ vm }));
  return kubernetesAxis(config, platform, matrixFile).map((kubernetes) => (kubernetes ? { kubernetes } : {}));
}

/** One entry per kind of machine the matrix names; ssh hosts' key files resolved against the matrix. */
function vmAxis(config: MatrixConfig, matrixFile: string): VmCellSettings[] {
  const v = config.vm;
  const ssh: VmCellSettings['ssh'] | undefined = v.ssh
    ? 'hosts' in v.ssh
      ? { hosts: v.ssh.hosts.map((host) => ({ ...host, key: resolve(dirname(matrixFile), host.key), address: host.address ?? host.host })) }
      : { startHosts: true }
    : undefined;
  return v.kinds.map((kind) => ({ kind, machines: { ...v.machines }, qemu: { ...v.qemu }, ...(kind === 'ssh' && ssh ? { ssh } : {}) }));
}

/**
 * One entry per Kubernetes version a kind or k3d matrix names (each its own cells), one without a
 * version otherwise; none of it for platforms that are not Kubernetes.
 */
function kubernetesAxis(config: MatrixConfig, platform: PlatformName, matrixFile: string): (KubernetesCellSettings | undefined)[] {
  if (!isKubernetesPlatform(platform)) return [undefined];
  const k = config.kubernetes;
  const common: KubernetesCellSettings = {
    cluster: k.cluster,
    maxSurge: k.maxSurge,
    maxUnavailable: k.maxUnavailable,
    rolloutTimeoutMs: k.rolloutTimeoutMs,
    operatorRunsAs: k.operatorRunsAs,
    ...(platform === 'kubernetes' && k.kubeconfig ? { kubeconfig: resolve(dirname(matrixFile), k.kubeconfig) } : {}),
    ...(platform === 'kubernetes' && k.context ? { context: k.context } : {}),
    ...(platform === 'kubernetes' && k.trafficUrl ? { trafficUrl: k.trafficUrl.replace(/\/$/, '') } : {}),
  };
  if (platform === 'kubernetes' || !k.versions) return [common];
  return k.versions.map((version) => ({ ...common, version }));
}

/** Every key the `when` names must match; a list matches any of its values. */
export function matches(when: When, key: CellKey): boolean {
  return (['platform', 'method', 'from', 'to', 'machine'] as const).every((field) => {
    const wanted = when[field];
    if (wanted === undefined) return true;
    const value = key[field];
    return Array.isArray(wanted) ? (wanted as string[]).includes(value ?? '') : wanted === value;
  });
}

function baseSettings(config: MatrixConfig): CellSettings {
  return {
    replicas: config.replicas,
    traffic: { ...config.traffic },
    rollback: config.rollback,
    ...(config.autoRollback ? { autoRollback: { ...config.autoRollback } } : {}),
    slo: config.slo,
    gates: mergeGates(defaultGates, config.gates),
    methodOptions: { canarySteps: [...config.canary.steps], canaryStepMs: config.canary.stepMs, rollingOrder: config.rolling.order },
    deadlineMs: config.deadlineMs,
    starvation: { ...config.starvation },
  };
}

function applyOverride(settings: CellSettings, override: MatrixOverride): CellSettings {
  const traffic = { ...settings.traffic };
  for (const [field, value] of Object.entries(override.traffic ?? {})) {
    if (value !== undefined) traffic[field as keyof typeof traffic] = value;
  }
  // null turns automatic rollback off for the cells the override matches.
  const autoRollback = override.autoRollback === null ? undefined : (override.autoRollback ?? settings.autoRollback);
  return {
    replicas: override.replicas ?? settings.replicas,
    traffic,
    rollback: override.rollback ?? settings.rollback,
    ...(autoRollback ? { autoRollback: { ...autoRollback } } : {}),
    slo: override.slo ?? settings.slo,
    gates: mergeGates(settings.gates, override.gates),
    methodOptions: {
      canarySteps: override.canary?.steps ? [...override.canary.steps] : settings.methodOptions.canarySteps,
      canaryStepMs: override.canary?.stepMs ?? settings.methodOptions.canaryStepMs,
      rollingOrder: override.rolling?.order ?? settings.methodOptions.rollingOrder,
    },
    deadlineMs: override.deadlineMs ?? settings.deadlineMs,
    starvation: settings.starvation,
  };
}

/** A number sets a gate, null removes it, an absent key leaves it as it was. */
export function mergeGates(gates: GateThresholds, changes: Partial<Record<keyof GateThresholds, number | null>> | undefined): GateThresholds {
  const merged: GateThresholds = { ...gates };
  for (const [name, value] of Object.entries(changes ?? {}) as [keyof GateThresholds, number | null | undefined][]) {
    if (value === null) delete merged[name];
    else if (value !== undefined) merged[name] = value;
  }
  return merged;
}

/** The probes every cell runs: as the matrix says, with the write ledger on by default when the app can take writes. */
function probeSettings(config: MatrixConfig, scenario: Scenario, matrixFile: string, platform: PlatformName): ProbeSettings {
  const asked = config.probes ?? {};
  const probes: ProbeSettings = { http: asked.http !== null };
  if (isKubernetesPlatform(platform) && asked.endpoints !== null) probes.endpoints = { rate: asked.endpoints?.rate ?? 20, minReady: asked.endpoints?.minReady ?? 1 };
  if (asked['http-new-connection']) probes['http-new-connection'] = { ...asked['http-new-connection'] };
  const ledger = asked['write-ledger'];
  if (ledger) probes['write-ledger'] = { ...ledger };
  else if (ledger === undefined && probes.http && scenario.probes.write) probes['write-ledger'] = { rate: DEFAULT_LEDGER_RATE };
  if (asked.browser) probes.browser = { ...asked.browser };
  if (asked.k6) probes.k6 = { script: resolve(dirname(matrixFile), asked.k6.script) };
  return probes;
}
