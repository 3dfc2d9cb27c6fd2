// The rig as a library: startRig(dir) brings up a real control plane on 127.0.0.1 and returns
// once workloads can be scheduled; stopRig(dir) takes it down. Used by `npm run rig`, by the
// tests and by benchmarks.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RigApiClient } from './api-client.ts';
import { ensureBinaries } from './build-binaries.ts';
import { createPki, type RigPki } from './certificates.ts';
import { apiServerUrl, componentSpecs, type RigPorts } from './components.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { writeKwokConfig } from './kwok-config.ts';
import { COMPONENTS, rigLayout, type ComponentName, type RigLayout } from './layout.ts';
import { nodesReady, registerNodes } from './nodes.ts';
import { freeLoopbackPorts } from './ports.ts';
import { runningComponents, startComponent, stopComponents, type RunningComponent } from './processes.ts';
import { ETCD_VERSION, HELM_VERSION, KUBERNETES_VERSION, KWOK_VERSION } from './versions.ts';
import { waitFor } from './wait.ts';

export interface Rig extends AsyncDisposable {
  dir: string;
  kubeconfig: string;
  apiServer: string;
  /** From the first process started to the last readiness check (binaries already built). */
  startupMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Progress lines (building binaries); default: stderr. */
  log?: (line: string) => void;
  /** For the control plane to become usable once the binaries exist. */
  timeoutMs?: number;
  /** Aborting (Ctrl-C in `up`) stops what was started, like any other failed start. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 180_000;

export async function startRig(dir: string, options: StartOptions = {}): Promise<Rig> {
  const layout = rigLayout(dir);
  await claimFolder(layout);
  await ensureBinaries(options.log);
  const started = performance.now();
  const deadline = started + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const running: RunningComponent[] = [];
  try {
    const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler] = await freeLoopbackPorts(5);
    const ports: RigPorts = { etcdClient: etcdClient!, etcdPeer: etcdPeer!, apiserver: apiserver!, controllerManager: controllerManager!, scheduler: scheduler! };
    const pki = await createPki(layout.pkiDir);
    await writeConfigFiles(layout, pki, ports);
    const specs = new Map(componentSpecs(layout, pki, ports).map((spec) => [spec.name, spec]));
    const start = async (name: ComponentName) => {
      options.signal?.throwIfAborted();
      running.push(await startComponent(layout, specs.get(name)!));
    };

    // The API server retries etcd while it starts, so both start at once.
    await start('etcd');
    await start('kube-apiserver');
    const api = new RigApiClient(apiServerUrl(ports), { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
    try {
      await waitFor(layout, running, { what: 'a healthy etcd', blame: 'etcd', check: () => etcdHealthy(ports.etcdClient) }, deadline, options.signal);
      await waitFor(layout, running, { what: 'ready (/readyz)', blame: 'kube-apiserver', check: async () => (await api.request('GET', '/readyz')).status === 200 }, deadline, options.signal);
      // Their clients give up less patiently than the API server's, so they start only now.
      for (const name of ['kube-controller-manager', 'kube-scheduler', 'kwok'] as const) await start(name);
      await registerNodes(api);
      await waitFor(layout, running, { what: 'healthy (/healthz)', blame: 'kube-controller-manager', check: () => healthy(pki, ports.controllerManager) }, deadline, options.signal);
      await waitFor(layout, running, { what: 'healthy (/healthz)', blame: 'kube-scheduler', check: () => healthy(pki, ports.scheduler) }, deadline, options.signal);
      await waitFor(layout, running, { what: 'its nodes Ready', blame: 'kwok', check: () => nodesReady(api) }, deadline, options.signal);
      await waitFor(
        layout,
        running,
        { what: 'the default ServiceAccount created', blame: 'kube-controller-manager', check: async () => (await api.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200 },
        deadline,
        options.signal,
      );
    } finally {
      api.close();
    }
    const startupMs = Math.round(performance.now() - started);
    await writeFile(join(layout.dir, 'rig.json'), `${JSON.stringify({ apiServer: apiServerUrl(ports), kubeconfig: layout.kubeconfig, ports, startupMs, versions: { kubernetes: KUBERNETES_VERSION, etcd: ETCD_VERSION, kwok: KWOK_VERSION, helm: HELM_VERSION } }, null, 2)}\n`);
    return rigHandle(layout, apiServerUrl(ports), startupMs);
  } catch (error) {
    // Nothing may outlive a failed start; the folder stays, with the logs the error quotes.
    const left = await stopComponents(layout, running);
    if (left.length) throw new Error(`${(error as Error).message}\nand could not stop ${left.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}`, { cause: error });
    if (error instanceof Error) error.message += `\n(logs kept in ${layout.logsDir}; \`npm run rig -- down ${layout.dir}\` removes them)`;
    throw error;
  }
}

/** Stops every process of the rig in DIR and removes DIR; fine if it is half-dead or gone. */
export async function stopRig(dir: string): Promise<void> {
  const layout = rigLayout(dir);
  if (!(await exists(layout.dir))) return;
  if (!(await exists(layout.marker))) throw new Error(`${layout.dir} is not a rig folder (no ${layout.marker}): not removing it`);
  // Reverse start order, although the signals go out together: down should take seconds.
  const running = (await runningComponents(layout)).sort((a, b) => COMPONENTS.indexOf(b.name) - COMPONENTS.indexOf(a.name));
  const left = await stopComponents(layout, running);
  if (left.length) throw new Error(`could not stop ${left.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}; ${layout.dir} kept`);
  await rm(layout.dir, { recursive: true, force: true });
}

function rigHandle(layout: RigLayout, apiServer: string, startupMs: number): Rig {
  const stop = () => stopRig(layout.dir);
  return { dir: layout.dir, kubeconfig: layout.kubeconfig, apiServer, startupMs, stop, [Symbol.asyncDispose]: stop };
}

/** DIR must be new or empty: the rig owns it and `down` deletes it. */
async function claimFolder(layout: RigLayout): Promise<void> {
  const entries = await readdir(layout.dir).catch(() => undefined);
  if (entries && entries.length) throw new Error(`${layout.dir} is not empty: give \`up\` a new folder (a rig there? \`npm run rig -- down ${layout.dir}\`)`);
  await mkdir(layout.dir, { recursive: true });
  await writeFile(layout.marker, 'a rig of upgrade-harness: `npm run rig -- down DIR` stops it and removes this folder\n');
}

async function writeConfigFiles(layout: RigLayout, pki: RigPki, ports: RigPorts): Promise<void> {
  const server = apiServerUrl(ports);
  await mkdir(join(layout.dir, 'kubeconfigs'), { recursive: true });
  await mkdir(layout.kwokHome, { recursive: true });
  await writeKubeconfig(layout.kubeconfig, { server, caCert: pki.ca.cert, client: pki.admin, user: 'rig-admin' });
  await writeKubeconfig(layout.componentKubeconfig('kube-controller-manager'), { server, caCert: pki.ca.cert, client: pki.controllerManager, user: 'system:kube-controller-manager' });
  await writeKubeconfig(layout.componentKubeconfig('kube-scheduler'), { server, caCert: pki.ca.cert, client: pki.scheduler, user: 'system:kube-scheduler' });
  await writeKubeconfig(layout.componentKubeconfig('kwok'), { server, caCert: pki.ca.cert, client: pki.kwok, user: 'kwok' });
  await writeKwokConfig(layout.kwokConfig);
}

async function etcdHealthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) });
    return res.ok && ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

/** kube-controller-manager and kube-scheduler serve with the API server's certificate. */
async function healthy(pki: RigPki, port: number): Promise<boolean> {
  const client = new RigApiClient(`https://127.0.0.1:${port}`, { ca: pki.ca.cert });
  try {
    return (await client.request('GET', '/healthz')).status === 200;
  } finally {
    client.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
