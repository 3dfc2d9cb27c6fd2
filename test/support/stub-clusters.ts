// For the kind and k3d provider tests: points the tools at the stub executables of
// test/fixtures/bin, reads back what they were called with, and stands in for the runner's shared
// resources of a run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { SharedResources } from '../../harness/runner/shared-resources.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterRequest } from '../../harness/platforms/kubernetes/clusters/cluster-provider.ts';
import { projectRoot } from './cli.ts';

export const STUB_BIN = join(projectRoot, 'test/fixtures/bin');

export interface StubCall {
  tool: 'kind' | 'k3d' | 'kubectl';
  argv: string[];
  /** kind: the --config file's content when it ran. */
  config?: string;
  /** k3d: its KUBECONFIG. */
  kubeconfigEnv?: string | null;
}

export interface StubSetup extends AsyncDisposable {
  dir: string;
  /** Every recorded call but the version checks (once per process, so order-dependent). */
  calls(): Promise<StubCall[]>;
}

const STUB_ENV = ['UPGRADE_HARNESS_KIND', 'UPGRADE_HARNESS_K3D', 'UPGRADE_HARNESS_KUBECTL', 'STUB_RECORD', 'STUB_FAIL', 'STUB_CLUSTERS', 'STUB_SERVER', 'STUB_COREDNS_MISSING_TIMES'];

/** Stubs on, a fresh record file; disposing restores the environment and removes the folder. */
export async function useStubs(): Promise<StubSetup> {
  const saved = new Map(STUB_ENV.map((name) => [name, process.env[name]]));
  const dir = await mkdtemp(join(tmpdir(), 'uh-stub-clusters-'));
  const record = join(dir, 'calls.jsonl');
  Object.assign(process.env, {
    UPGRADE_HARNESS_KIND: join(STUB_BIN, 'kind'),
    UPGRADE_HARNESS_K3D: join(STUB_BIN, 'k3d'),
    UPGRADE_HARNESS_KUBECTL: join(STUB_BIN, 'kubectl'),
    STUB_RECORD: record,
    STUB_SERVER: 'https://127.0.0.1:6443',
  });
  for (const name of ['STUB_FAIL', 'STUB_CLUSTERS', 'STUB_COREDNS_MISSING_TIMES']) delete process.env[name];
  return {
    dir,
    async calls() {
      const text = await readFile(record, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as StubCall)
        .filter((call) => call.argv[0] !== 'version');
    },
    async [Symbol.asyncDispose]() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The runner's own shared resources, driven by the test: one promise per key, disposed newest first at the end. */
export function sharedScope(): { shared: ClusterRequest['shared'] } & AsyncDisposable {
  const resources = new SharedResources();
  return { shared: (key, create) => resources.get(key, create), [Symbol.asyncDispose]: () => resources[Symbol.asyncDispose]() };
}

/** A request with the defaults of a test; events are collected in `events`. */
export function clusterRequest(overrides: Partial<ClusterRequest> & { logDir: string }, events: string[] = []): ClusterRequest {
  return {
    runId: '20261201-193616-a1b2c3',
    cellId: 'sample-app/1.0.0-to-1.1.0/rolling',
    scope: 'per-cell',
    concurrency: 1,
    images: [],
    signal: new AbortController().signal,
    runSignal: new AbortController().signal,
    event: (message) => events.push(message),
    shared: () => Promise.reject(new Error('a per-cell request must not ask for shared resources')),
    ...overrides,
  };
}

/** The host port of a front-door URL. */
export function hostPortOf(url: string): number {
  return Number(new URL(url).port);
}
