// What the rest of the harness sees of a matrix once it is loaded, validated and expanded:
// fully resolved data, no defaults left to apply, paths absolute.
import type { JsonType } from '../util/json-pointer.ts';

export const platformNames = ['local', 'docker', 'kind', 'k3d', 'kubernetes', 'vm'] as const;
export type PlatformName = (typeof platformNames)[number];
/** Platforms that run a cell in a Kubernetes namespace (one implementation, a cluster provider each). */
export const kubernetesPlatforms = ['kind', 'k3d', 'kubernetes'] as const satisfies readonly PlatformName[];
export const isKubernetesPlatform = (platform: PlatformName): platform is (typeof kubernetesPlatforms)[number] =>
  (kubernetesPlatforms as readonly string[]).includes(platform);

/** Platforms a scenario's `run:` section speaks of (a process or a container per replica); Kubernetes has its own `kubernetes:` section. */
export const runPlatforms = ['local', 'docker'] as const satisfies readonly PlatformName[];
export type RunPlatform = (typeof runPlatforms)[number];

export const methodNames = ['recreate', 'rolling', 'blue-green', 'canary', 'helm', 'operator', 'package-in-place', 'package-rolling'] as const;
export type MethodName = (typeof methodNames)[number];

/**
 * The methods each platform carries out. Where the harness orchestrates (local, docker) the generic
 * methods of methods/; on Kubernetes the cluster does (Deployment strategies, a Service selector,
 * Helm, an operator). A pair missing here is a configuration error.
 */
export const methodsByPlatform: Record<PlatformName, readonly MethodName[]> = {
  local: ['recreate', 'rolling', 'blue-green', 'canary'],
  docker: ['recreate', 'rolling', 'blue-green', 'canary'],
  kind: ['recreate', 'rolling', 'blue-green', 'canary', 'helm', 'operator'],
  k3d: ['recreate', 'rolling', 'blue-green', 'canary', 'helm', 'operator'],
  kubernetes: ['recreate', 'rolling', 'blue-green', 'canary', 'helm', 'operator'],
  // Machines upgrade their Linux package with apt: on one machine, or node by node behind HAProxy.
  vm: ['package-in-place', 'package-rolling'],
};

/** A program to start: argument array (never a shell string), working folder, environment. */
export interface CommandSpec {
  command: string[];
  /** Absolute. */
  cwd: string;
  /** Values may hold placeholders such as {{port}}, {{databaseUrl}}, {{version}}, {{replica}}. */
  env: Record<string, string>;
  /** Where the scenario says it (its file, and the dot-path, e.g. defaults.run.local), for errors about it. */
  origin?: { file: string; field: string };
}

/** How a version runs as a container (docker platform). */
export interface DockerRunSpec {
  /** Image name, {{version}} filled in, e.g. upgrade-harness/sample-app:1.1.0. */
  image: string;
  /** The port the app listens on inside the container ({{port}}). */
  port: number;
  /** Replaces the image's command; empty keeps the image's own. */
  command: string[];
  /** Values may hold {{port}}, {{databaseUrl}}, {{host}}, {{replica}}. */
  env: Record<string, string>;
}

/** How `images build` builds a version's app image (docker platform); {{version}} filled in. */
export interface ImageBuildSpec {
  tag: string;
  /** Absolute. */
  dockerfile: string;
  /** Absolute folder the include paths are relative to. */
  context: string;
  /** Files and folders of the context copied into the build (relative); the cache key covers exactly these. */
  include: string[];
  /** npm packages copied, with their dependencies, from the nearest node_modules into the build's node_modules/. */
  nodePackages: string[];
  args: Record<string, string>;
}

export interface ScenarioVersion {
  version: string;
  /** How this version runs on each platform. */
  run: { local?: CommandSpec; docker?: DockerRunSpec };
  /** How its container image is built, when the scenario says (`images.app`). */
  image?: ImageBuildSpec;
  /** Run before any replica of this version starts (expand: must keep the previous version working). */
  preMigrate?: CommandSpec;
  /** Run once every replica runs this version (contract). */
  postMigrate?: CommandSpec;
  /** Kubernetes: this version's Helm values (merged over the chart's) and manifests (absolute path). */
  kubernetes?: {
    values: Record<string, unknown>;
    manifests?: string;
    image?: string;
    /** Method operator: this version's custom resource template (absolute), when not the section's. */
    resource?: string;
    /** Method operator: the operator this version needs, when not the section's. */
    operator?: OperatorInstall;
  };
  /**
   * How a rollback from this version gets its data back: `restore: snapshot`, the state copied
   * before upgrading to it (data folder and database); or `down`, a down-migration run once the
   * old version serves again.
   */
  rollback?: { restore: 'snapshot' } | { down: CommandSpec };
}

/** The scenario's `kubernetes:` section, resolved: paths absolute, names checked. */
export interface KubernetesPackaging {
  workload: { deployment: string; service: string; versionLabel: string; port: number };
  /** StatefulSets whose pods must keep their identity (the database). */
  stateful: string[];
  /** Images to load into kind and k3d clusters, every version's app image included. */
  images: string[];
  /** A YAML file or folder of one version's objects (absolute); versions may name their own. */
  manifests?: string;
  /** Job manifests (absolute) the harness runs as the migrations of a manifest install. */
  migrations: { pre?: string; post?: string };
  chart?: {
    /** Absolute. */
    path: string;
    release: string;
    values: Record<string, unknown>;
    methodValues: Partial<Record<MethodName, Record<string, unknown>>>;
    postMigrateValues?: Record<string, unknown>;
  };
  operator?: OperatorPackaging;
}

/** How an operator gets into the cell's namespace: its CRDs (per run), then one way it runs. Paths absolute. */
export interface OperatorInstall {
  crds?: string;
  manifests?: string;
  chart?: { path: string; release: string; values: Record<string, unknown> };
  /** Placeholders {{namespace}}, {{kubeconfig}}, {{upgradeStops}} left for the cell. */
  process?: CommandSpec;
  readyLine?: string;
}

/** When the operator's status says something: every part given must hold. */
export interface StatusRule {
  condition?: { type: string; status: 'True' | 'False' | 'Unknown'; reason?: string[] };
  field?: { pointer: string; value: string };
}

/** The scenario's `kubernetes.operator` section, resolved. */
export interface OperatorPackaging {
  install: OperatorInstall;
  /** The custom resource template (absolute). */
  resource: string;
  versionField: string;
  done: StatusRule;
  refused?: StatusRule;
  failed?: StatusRule;
  timeoutMs: number;
}

export interface HttpEndpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** May hold {{setup.NAME}} until the setup step ran (see fillProbes). */
  path: string;
  /** Sent with every request; values may hold {{setup.NAME}}. */
  headers?: Record<string, string>;
}

/** Where a replica tells its version: a header, a JSON pointer into the body, or (neither) X-App-Version else the body's `version`. */
export interface VersionEndpoint {
  path: string;
  header?: string;
  json?: string;
}

export interface ReadProbe extends HttpEndpoint {
  /** What a right answer looks like; a wrong one is a `wrong-body` failure. */
  expect?: { status?: number[]; json?: Record<string, JsonType> };
}

export interface WriteProbe extends HttpEndpoint {
  /** Template with {{key}} and {{value}}; absent: JSON {"key", "value"}. */
  body?: string;
  /**
   * GET `path` ({{key}} filled, URL-encoded) with the write's headers; `json` points at the value.
   * Without a pointer the answer is {key, value} or a list of them.
   */
  readBack: { path: string; json?: string };
}

export interface BrowserJourney {
  path: string;
  form: string;
}

export interface Scenario {
  name: string;
  /** Absolute path of the scenario file and its folder (commands run relative to it). */
  file: string;
  dir: string;
  /** In upgrade order. */
  versions: ScenarioVersion[];
  /** Versions a path may not skip. */
  upgradeStops: string[];
  endpoints: { health: string; ready: string; version: VersionEndpoint };
  probes: {
    read: ReadProbe;
    /** Unique writes, each read back by the write ledger. */
    write?: WriteProbe;
    /** The browser probe's journey: load `path`, fill the text inputs of `form` (a CSS selector) with a unique value, submit, expect the value on the resulting page. */
    browser?: BrowserJourney;
  };
  /** Seconds a replica may take to become ready, and to stop after SIGTERM before it is killed. */
  startTimeoutMs: number;
  stopGraceMs: number;
  /** `none`: the app keeps its own state (in {{dataDir}}); no PostgreSQL is started. */
  database: 'postgres' | 'none';
  /** Docker platform: the database image; absent means the harness's own (built by `images build`). */
  databaseImage?: string;
  /** Runs once after the first version is ready, before traffic; its stdout (one JSON object) fills {{setup.NAME}}. */
  setup?: CommandSpec;
  /** How the application is packaged for Kubernetes (platforms kind, k3d, kubernetes). */
  kubernetes?: KubernetesPackaging;
  /** How `images build` builds the operator's image (images.operator), when the scenario has one. */
  operatorImage?: ImageBuildSpec;
  /** The application as a Linux package (platform vm). */
  vm?: VmPackaging;
}

/** A scenario's Linux package, resolved: the build's working folder absolute, placeholders left for each machine. */
export interface VmPackaging {
  name: string;
  build: { command: string[]; cwd: string };
  file: string;
  service: string;
  port: number;
  config: { path: string; content: string };
  migrations: { skipPostDeploymentEnv: string; skipAutoFile: string; post: { command: string[] } };
}

export interface TrafficSettings {
  /** Requests per second, open loop. */
  rate: number;
  timeoutMs: number;
  warmUpMs: number;
  settleMs: number;
}

/** Thresholds a cell must meet; an absent one is not checked. */
export interface GateThresholds {
  failedRequests?: number;
  longestOutageMs?: number;
  availability?: number;
  p99LatencyMs?: number;
  lostWrites?: number;
  /** Restarts of what the method must not touch (database, front door). */
  unintendedRestarts?: number;
}

/** The probes of a cell; `http` (keep-alive requests to the read endpoint at traffic.rate) unless turned off. */
export interface ProbeSettings {
  /** Keep-alive requests to the read endpoint at traffic.rate; off where no front door is reachable (kwok's pods serve nothing). */
  http: boolean;
  /** Kubernetes: the Service's ready endpoints sampled from the EndpointSlice watch; fewer than minReady is a failure. */
  endpoints?: { rate: number; minReady: number };
  /** A fresh TCP connection per request. */
  'http-new-connection'?: { rate: number };
  /** Unique writes, every acknowledged one read back after the upgrade and after a rollback. */
  'write-ledger'?: { rate: number };
  /** Real Chromium through a short user journey. */
  browser?: { rate: number };
  /** A user's k6 script (absolute path), when a k6 binary is on PATH. */
  k6?: { script: string };
}

export interface AutoRollbackSettings {
  errorRate?: number;
  p99LatencyMs?: number;
  readyWithinMs?: number;
  windowMs: number;
  intervalMs: number;
  failureLimit: number;
}

export interface MethodOptions {
  /** Rolling: start the new replica before stopping an old one (surge), or stop first (no extra capacity). */
  rollingOrder: 'start-first' | 'stop-first';
  /** Canary: percent of traffic on the new version at each step. */
  canarySteps: number[];
  /** Canary: how long each step holds before its gate check. */
  canaryStepMs: number;
}

/** One platform x hop x method combination: one environment, one upgrade, one verdict. */
export interface Cell {
  id: string;
  matrix: string;
  /** Absolute path of the matrix file (for the reproduce command). */
  matrixFile: string;
  scenario: Scenario;
  platform: PlatformName;
  method: MethodName;
  from: string;
  to: string;
  /** Versions a chained path stops at between `from` and `to`, in order; empty for a single hop. */
  via: string[];
  replicas: number;
  traffic: TrafficSettings;
  probes: ProbeSettings;
  /** After verification, return to `from` by the same method, under traffic, and measure that too. */
  rollback: boolean;
  /** Triggers that roll the upgrade back automatically while it runs (local, docker). */
  autoRollback?: AutoRollbackSettings;
  /** Availability objective, e.g. 0.999: the error budget is (1 - slo) x requests. */
  slo: number;
  gates: GateThresholds;
  methodOptions: MethodOptions;
  /** Whole-cell deadline. */
  deadlineMs: number;
  /** Kubernetes platforms only. */
  kubernetes?: KubernetesCellSettings;
  /** Platform vm only: the kind of machine and the fleet. */
  vm?: VmCellSettings;
  /**
   * `refused`: a negative cell. The upgrade must be refused (it skips a required stop) and the old
   * version keep serving; the cell fails if the upgrade goes through.
   */
  expect: 'upgrade' | 'refused';
  /** When the harness calls its own measurement starved (see harness/health). */
  starvation: { pauseMs: number; sendLagMs: number; throttledShare: number; marginMs: number };
}

/** How a cell on kind, k3d or an existing cluster gets its cluster and drives its rollouts. */
export interface KubernetesCellSettings {
  /** kind/k3d: node Kubernetes version (part of the cell id); absent: the tool's default image. */
  version?: string;
  /** kind/k3d: a cluster per cell, or one per run with a namespace per cell. */
  cluster: 'per-cell' | 'per-run';
  /** Existing cluster: kubeconfig (absolute) and context; absent: KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  /** Existing cluster: where its front door (the app's Service) is reachable from this machine. */
  trafficUrl?: string;
  /** Deployment RollingUpdate parameters (numbers or percentages, as Kubernetes takes them). */
  maxSurge: number | string;
  maxUnavailable: number | string;
  /** How long a rollout may take before it is a product failure (progressDeadlineSeconds-like, ms). */
  rolloutTimeoutMs: number;
  /** Method operator: in the cell's namespace (its manifests or chart), or as a process on this machine. */
  operatorRunsAs: 'cluster' | 'process';
}

/** How a cell on platform vm gets its machines. */
export interface VmCellSettings {
  kind: 'container-host' | 'qemu' | 'ssh';
  /** How many machines of each role package-rolling's fleet has; package-in-place uses one app machine that also holds the database. */
  machines: { app: number; database: number; balancer: number };
  /** kind ssh: the machines, or container hosts the harness starts and reaches over SSH only. */
  ssh?: { hosts: SshHost[] } | { startHosts: true };
  qemu: { memoryMb: number };
}

export interface SshHost {
  name: string;
  role: 'app' | 'database' | 'balancer';
  host: string;
  port: number;
  user: string;
  /** Absolute path of the private key file. */
  key: string;
  /** How the other machines reach it; default `host`. */
  address: string;
}

/**
 * `kind@1.34.0/1.0.0-to-1.1.0/rolling`, `vm@qemu/...`: what further names the platform (a
 * Kubernetes version, a kind of machine) belongs to the platform part.
 */
export function cellId(platform: string, from: string, to: string, method: string, via: readonly string[] = [], variant?: string): string {
  const stops = via.length ? `-via-${via.join('-')}` : '';
  const where = variant ? `${platform}@${variant}` : platform;
  return `${where}/${from}-to-${to}${stops}/${method}`;
}
