// What the rest of the harness sees of a matrix once it is loaded, validated and expanded:
// fully resolved data, no defaults left to apply, paths absolute.

export const platformNames = ['local', 'docker'] as const;
export type PlatformName = (typeof platformNames)[number];

export const methodNames = ['recreate', 'rolling', 'blue-green', 'canary'] as const;
export type MethodName = (typeof methodNames)[number];

/** A program to start: argument array (never a shell string), working folder, environment. */
export interface CommandSpec {
  command: string[];
  /** Absolute. */
  cwd: string;
  /** Values may hold placeholders such as {{port}}, {{databaseUrl}}, {{version}}, {{replica}}. */
  env: Record<string, string>;
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
}

export interface HttpEndpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
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
  endpoints: { health: string; ready: string; version: string };
  probes: {
    read: HttpEndpoint;
    /** The write endpoint takes JSON {key, value} and must make it readable at read.path + '/' + key. */
    write?: HttpEndpoint & { readBack: string };
    /** The browser probe's journey: load `path`, fill the text inputs of `form` (a CSS selector) with a unique value, submit, expect the value on the resulting page. */
    browser?: BrowserJourney;
  };
  /** Seconds a replica may take to become ready, and to stop after SIGTERM before it is killed. */
  startTimeoutMs: number;
  stopGraceMs: number;
  /** Docker platform: the database image; absent means the harness's own (built by `images build`). */
  databaseImage?: string;
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

/** Probes beside `http` (keep-alive requests to the read endpoint at traffic.rate), each optional. */
export interface ProbeSettings {
  /** A fresh TCP connection per request. */
  'http-new-connection'?: { rate: number };
  /** Unique writes, every acknowledged one read back after the upgrade and after a rollback. */
  'write-ledger'?: { rate: number };
  /** Real Chromium through a short user journey. */
  browser?: { rate: number };
  /** A user's k6 script (absolute path), when a k6 binary is on PATH. */
  k6?: { script: string };
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
  /** Availability objective, e.g. 0.999: the error budget is (1 - slo) x requests. */
  slo: number;
  gates: GateThresholds;
  methodOptions: MethodOptions;
  /** Whole-cell deadline. */
  deadlineMs: number;
}

export function cellId(platform: string, from: string, to: string, method: string, via: readonly string[] = []): string {
  const stops = via.length ? `-via-${via.join('-')}` : '';
  return `${platform}/${from}-to-${to}${stops}/${method}`;
}
