// Everything the harness follows in a cell's namespace, from watches: pods, ReplicaSets,
// Deployments, Jobs, the workload Service's EndpointSlices and Events. Each change worth knowing
// becomes a line on the cell's timeline ("pod web-7c9 ready (1.1.0)", "endpoints 2/3 ready",
// "Warning BackOff: ..."), and the last lines are kept for timeout messages.
import type * as k8s from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.ts';
import { WatchedObjects } from './watched-objects.ts';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const KEPT_LINES = 15;

export interface ReadyEndpoint {
  address: string;
  /** The version label of the pod behind it, where known. */
  version: string | null;
}

export class NamespaceWatch implements AsyncDisposable {
  readonly pods: WatchedObjects<k8s.V1Pod>;
  readonly deployments: WatchedObjects<k8s.V1Deployment>;
  readonly replicaSets: WatchedObjects<k8s.V1ReplicaSet>;
  readonly jobs: WatchedObjects<k8s.V1Job>;
  readonly endpointSlices: WatchedObjects<k8s.V1EndpointSlice>;
  readonly events: WatchedObjects<k8s.CoreV1Event>;
  readonly #versionLabel: string;
  readonly #lines: string[] = [];
  #readyEndpoints: ReadyEndpoint[] = [];

  private constructor(parts: Pick<NamespaceWatch, 'pods' | 'deployments' | 'replicaSets' | 'jobs' | 'endpointSlices' | 'events'>, versionLabel: string) {
    this.pods = parts.pods;
    this.deployments = parts.deployments;
    this.replicaSets = parts.replicaSets;
    this.jobs = parts.jobs;
    this.endpointSlices = parts.endpointSlices;
    this.events = parts.events;
    this.#versionLabel = versionLabel;
  }

  static async start(api: KubeApi, namespace: string, service: string, versionLabel: string, event: (line: string) => void): Promise<NamespaceWatch> {
    const ns = `/namespaces/${namespace}`;
    await using stack = new AsyncDisposableStack();
    const start = async <T extends k8s.KubernetesObject>(path: string, list: k8s.ListPromise<T>, selector?: string) =>
      stack.use(await WatchedObjects.start(api.config, path, list, selector));
    const watch = new NamespaceWatch(
      {
        pods: await start(`/api/v1${ns}/pods`, () => api.core.listNamespacedPod({ namespace })),
        deployments: await start(`/apis/apps/v1${ns}/deployments`, () => api.apps.listNamespacedDeployment({ namespace })),
        replicaSets: await start(`/apis/apps/v1${ns}/replicasets`, () => api.apps.listNamespacedReplicaSet({ namespace })),
        jobs: await start(`/apis/batch/v1${ns}/jobs`, () => api.batch.listNamespacedJob({ namespace })),
        endpointSlices: await start(
          `/apis/discovery.k8s.io/v1${ns}/endpointslices`,
          () => api.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `${SERVICE_NAME_LABEL}=${service}` }),
          `${SERVICE_NAME_LABEL}=${service}`,
        ),
        events: await start(`/api/v1${ns}/events`, () => api.core.listNamespacedEvent({ namespace })),
      },
      versionLabel,
    );
    const say = (line: string) => {
      watch.#lines.push(line);
      if (watch.#lines.length > KEPT_LINES) watch.#lines.shift();
      event(line);
    };
    watch.pods.onChange(({ verb, object }) => watch.#podChanged(verb, object, say));
    watch.endpointSlices.onChange(() => watch.#endpointsChanged(say));
    watch.pods.onChange(() => watch.#endpointsChanged(() => undefined));
    watch.events.onChange(({ verb, object }) => {
      if (verb === 'add') watch.#clusterEvent(object, say);
    });
    stack.move();
    return watch;
  }

  /** The workload Service's ready endpoints, as the EndpointSlice watch last saw them. */
  readyEndpoints(): readonly ReadyEndpoint[] {
    return this.#readyEndpoints;
  }

  /** The last lines the watches put on the timeline (for a timeout's message). */
  lastLines(): string[] {
    return [...this.#lines];
  }

  versionOf(pod: k8s.V1Pod): string | null {
    return pod.metadata?.labels?.[this.#versionLabel] ?? null;
  }

  #podChanged(verb: 'add' | 'update' | 'delete', pod: k8s.V1Pod, say: (line: string) => void): void {
    const name = pod.metadata?.name ?? '?';
    const version = this.versionOf(pod);
    const of = version ? ` (${version})` : '';
    if (verb === 'add') say(`pod ${name} created${of}`);
    else if (verb === 'delete') say(`pod ${name} gone${of}`);
    const ready = isPodReady(pod);
    const terminating = pod.metadata?.deletionTimestamp !== undefined;
    const key = `${ready}/${terminating}`;
    if (this.#podStates.get(name) === key || verb === 'delete') {
      if (verb === 'delete') this.#podStates.delete(name);
      return;
    }
    const before = this.#podStates.get(name);
    this.#podStates.set(name, key);
    if (terminating && !before?.endsWith('/true')) say(`pod ${name} terminating${of}`);
    else if (ready && !terminating && before !== 'true/false') say(`pod ${name} ready${of}`);
  }

  readonly #podStates = new Map<string, string>();

  #endpointsChanged(say: (line: string) => void): void {
    const byAddress = new Map<string, ReadyEndpoint>();
    let total = 0;
    for (const slice of this.endpointSlices.list()) {
      // A pod the selector matches but that lacks the Service's (named) target port, such as a
      // chart's migration Job pod carrying the app's labels, lands in a slice without ports:
      // kube-proxy sends it nothing, so it is not an endpoint that serves.
      if (!slice.ports?.length) continue;
      for (const endpoint of slice.endpoints ?? []) {
        const address = endpoint.addresses[0];
        if (!address) continue;
        total++;
        // The API: a nil ready condition is an unknown state that consumers should take as ready.
        if (endpoint.conditions?.ready === false) continue;
        const pod = endpoint.targetRef?.name ? this.pods.get(endpoint.targetRef.name, slice.metadata?.namespace) : undefined;
        byAddress.set(address, { address, version: pod ? this.versionOf(pod) : null });
      }
    }
    const before = this.#readyEndpoints.length;
    this.#readyEndpoints = [...byAddress.values()].sort((a, b) => a.address.localeCompare(b.address));
    if (this.#readyEndpoints.length !== before || this.#lastTotal !== total) say(`endpoints ${this.#readyEndpoints.length}/${total} ready`);
    this.#lastTotal = total;
  }

  #lastTotal = 0;

  /** Warnings always; of the normal events, the controllers' steps a reader follows a rollout by. */
  #clusterEvent(event: k8s.CoreV1Event, say: (line: string) => void): void {
    const worthKnowing = event.type === 'Warning' || ['ScalingReplicaSet', 'SuccessfulCreate', 'SuccessfulDelete', 'Completed', 'BackoffLimitExceeded'].includes(event.reason ?? '');
    if (!worthKnowing) return;
    const on = event.involvedObject ? `${event.involvedObject.kind}/${event.involvedObject.name}` : '';
    say(`${event.type ?? 'Normal'} ${event.reason ?? ''} ${on}: ${event.message ?? ''}`.trim());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([this.pods, this.deployments, this.replicaSets, this.jobs, this.endpointSlices, this.events].map((watched) => watched[Symbol.asyncDispose]()));
  }
}

export function isPodReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}
