// One cell on Kubernetes: a namespace of its own (labelled with run and cell) in the cluster its
// provider leases, the watches that follow it, and the endpoints probe. The cell's method installs
// and moves the application; teardown deletes the namespace, then whatever cluster-scoped objects
// were created, then gives the cluster back (a per-cell kind or k3d cluster is deleted then).
import { randomBytes } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { InfrastructureError } from '../../errors.ts';
import type { Cell } from '../../matrix/cell.ts';
import type { MethodContext } from '../../methods/upgrade-method.ts';
import type { RunningProbe } from '../../traffic/probe.ts';
import type { ComponentIdentity, Environment, Installation, ProvisionContext } from '../platform.ts';
import type { ClusterLease, ClusterProvider } from './clusters/cluster-provider.ts';
import { startEndpointsProbe } from './endpoints-probe.ts';
import { KubeApi } from './kube-api.ts';
import type { KubernetesApp } from './kubernetes-app.ts';
import { kubernetesMethod } from './methods/index.ts';
import { CELL_ID_ANNOTATION, cellLabels, namespaceName } from './names.ts';
import { NamespaceWatch } from './namespace-watch.ts';
import { createNamespace, deleteNamespace } from './namespaces.ts';
import { podsOf } from './workload.ts';

export async function provisionKubernetesEnvironment(provider: ClusterProvider, cell: Cell, context: ProvisionContext): Promise<KubernetesEnvironment> {
  const packaging = cell.scenario.kubernetes;
  const settings = cell.kubernetes;
  if (!packaging || !settings) throw new InfrastructureError(`cell ${cell.id} has no Kubernetes settings`, { code: 'INTERNAL' });
  await provider.checkTools();
  await using stack = new AsyncDisposableStack();
  const lease = stack.use(
    await provider.acquire({
      runId: context.runId,
      cellId: cell.id,
      ...(settings.version ? { kubernetesVersion: settings.version } : {}),
      scope: settings.cluster,
      concurrency: context.concurrency,
      images: packaging.images,
      ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
      ...(settings.context ? { context: settings.context } : {}),
      logDir: context.logDir,
      signal: context.signal,
      runSignal: context.runSignal,
      event: context.event,
      shared: context.shared,
    }),
  );
  context.event(lease.description);
  const api = new KubeApi(lease.kubeconfig, lease.context);
  const namespace = namespaceName(context.runId, cell.id);
  const labels = cellLabels(context.runId, cell.id);
  await createNamespace(api, namespace, labels, { [CELL_ID_ANNOTATION]: cell.id });
  stack.defer(() => deleteNamespace(api, namespace, context.event));
  context.event(`namespace ${namespace} created on ${api.server}`);
  const watch = stack.use(await NamespaceWatch.start(api, namespace, packaging.workload.service, packaging.workload.versionLabel, context.event));
  const app: KubernetesApp = {
    api,
    namespace,
    cell,
    packaging,
    watch,
    nodePort: lease.frontDoor?.nodePort ?? null,
    kubeconfig: lease.kubeconfig,
    ...(lease.context ? { context: lease.context } : {}),
    logDir: context.logDir,
    signal: context.signal,
    labels,
    databasePassword: randomBytes(18).toString('base64url'),
    clusterScoped: new Map(),
    resources: new AsyncDisposableStack(),
    shared: context.shared,
    runId: context.runId,
  };
  // Disposed before the namespace goes (a stack runs in reverse): nothing outside it is left either.
  stack.defer(async () => {
    for (const object of [...app.clusterScoped.values()].reverse()) await api.delete(object);
  });
  stack.use(app.resources);
  return new KubernetesEnvironment(app, lease, stack.move());
}

export class KubernetesEnvironment implements Environment {
  readonly trafficUrl: string | null;
  readonly app: KubernetesApp;
  readonly #lease: ClusterLease;
  readonly #resources: AsyncDisposableStack;

  constructor(app: KubernetesApp, lease: ClusterLease, resources: AsyncDisposableStack) {
    this.app = app;
    this.#lease = lease;
    this.trafficUrl = lease.frontDoor?.url ?? null;
    this.#resources = resources;
  }

  install(version: string, context: MethodContext): Promise<Installation> {
    return kubernetesMethod(this.app.cell.method).install(this.app, version, context);
  }

  async startNativeProbes(cell: Cell): Promise<RunningProbe[]> {
    const settings = cell.probes.endpoints;
    if (!settings) return [];
    return [startEndpointsProbe({ rate: settings.rate, minReady: settings.minReady, readyEndpoints: () => this.app.watch.readyEndpoints() })];
  }

  /** The database's pods: a new UID or a higher restart count is a restart no upgrade may cause. */
  async components(): Promise<ComponentIdentity[]> {
    const pods = this.app.watch.pods.list();
    return this.app.packaging.stateful.flatMap((name) =>
      podsOf(pods, 'StatefulSet', name)
        .filter((pod) => !pod.metadata?.deletionTimestamp)
        .map((pod) => ({ name: `pod ${pod.metadata?.name}`, identity: `uid ${pod.metadata?.uid} restarts ${restarts(pod)}` })),
    );
  }

  describe(): string[] {
    const kubectl = `kubectl --kubeconfig ${this.app.kubeconfig}${this.app.context ? ` --context ${this.app.context}` : ''} -n ${this.app.namespace}`;
    return [
      `cluster     ${this.#lease.description}`,
      `namespace   ${this.app.namespace}`,
      ...(this.trafficUrl ? [`front door  ${this.trafficUrl}`] : []),
      `look        ${kubectl} get pods,deployments,endpointslices,events`,
    ];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#resources.disposeAsync();
  }
}

function restarts(pod: k8s.V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, status) => sum + status.restartCount, 0);
}
