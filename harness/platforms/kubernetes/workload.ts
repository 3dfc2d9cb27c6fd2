// The building blocks the Kubernetes methods share: a version's objects, the Deployment and
// Service among them, applying them, and waiting on what the controllers do.
import type * as k8s from '@kubernetes/client-node';
import { InfrastructureError, UpgradeFailedError, WaitTimeoutError } from '../../errors.ts';
import type { KubernetesApp } from './kubernetes-app.ts';
import { describeObject } from './kube-api.ts';
import { loadManifests, type PlaceholderValues } from './manifests.ts';
import { isPodReady } from './namespace-watch.ts';

/** Kinds that live outside namespaces: the harness records them and removes them at teardown. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'PriorityClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'APIService', 'RuntimeClass',
]);

export interface VersionObjects {
  deployment: k8s.V1Deployment;
  service: k8s.V1Service | undefined;
  /** Everything else (the database StatefulSet, ConfigMaps, the PodDisruptionBudget...). */
  rest: k8s.KubernetesObject[];
}

export function placeholderValues(app: KubernetesApp, version: string): PlaceholderValues {
  const image = app.cell.scenario.versions.find((entry) => entry.version === version)?.kubernetes?.image ?? null;
  return { version, image, namespace: app.namespace, nodePort: app.nodePort, release: app.packaging.chart?.release ?? null, databasePassword: app.databasePassword };
}

/** A version's objects from its manifests, in the cell's namespace, labelled with the run. */
export async function versionObjects(app: KubernetesApp, version: string): Promise<VersionObjects> {
  const entry = app.cell.scenario.versions.find((candidate) => candidate.version === version);
  const path = entry?.kubernetes?.manifests ?? app.packaging.manifests;
  if (!path) {
    throw new InfrastructureError(`scenario ${app.cell.scenario.name} has no manifests for version ${version}`, {
      code: 'NO_MANIFESTS',
      hint: `give kubernetes.manifests (or versions[].kubernetes.manifests) in ${app.cell.scenario.file}, or use method helm`,
    });
  }
  const objects = (await loadManifests(path, placeholderValues(app, version))).map((object) => inCell(app, object));
  const { deployment: deploymentName, service: serviceName } = app.packaging.workload;
  const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata?.name === deploymentName) as k8s.V1Deployment | undefined;
  if (!deployment) {
    throw new InfrastructureError(`the manifests of ${version} (${path}) have no Deployment ${deploymentName}`, {
      code: 'NO_WORKLOAD',
      hint: `name the Deployment the methods move in kubernetes.workload.deployment of ${app.cell.scenario.file}`,
    });
  }
  const service = objects.find((object) => object.kind === 'Service' && object.metadata?.name === serviceName) as k8s.V1Service | undefined;
  if (service) publishFrontDoor(app, service);
  return { deployment, service, rest: objects.filter((object) => object !== deployment && object !== service) };
}

export function isClusterScoped(object: k8s.KubernetesObject): boolean {
  return CLUSTER_SCOPED.has(object.kind ?? '');
}

/** Into the cell's namespace (cluster-scoped objects stay outside it), carrying the run's labels. */
export function inCell(app: KubernetesApp, object: k8s.KubernetesObject): k8s.KubernetesObject {
  const metadata = { ...object.metadata, labels: { ...object.metadata?.labels, ...app.labels } };
  if (!isClusterScoped(object)) metadata.namespace = app.namespace;
  return { ...object, metadata };
}

/** On kind and k3d the Service's port becomes the NodePort published on 127.0.0.1 for this cell. */
function publishFrontDoor(app: KubernetesApp, service: k8s.V1Service): void {
  if (app.nodePort === null || !service.spec) return;
  const port = service.spec.ports?.find((candidate) => candidate.port === app.packaging.workload.port) ?? service.spec.ports?.[0];
  if (!port) return;
  service.spec.type = 'NodePort';
  port.nodePort = app.nodePort;
}

export async function applyAll(app: KubernetesApp, objects: k8s.KubernetesObject[]): Promise<void> {
  for (const object of objects) {
    // Recorded before it exists, so a failure halfway still removes it at teardown.
    if (isClusterScoped(object)) app.clusterScoped.set(describeObject(object), object);
    await app.api.apply(object);
  }
}

/**
 * Until the Deployment's rollout is complete, as `kubectl rollout status` judges it: the controller
 * saw the latest spec, every replica is updated and available, no old replica is left. A rollout
 * that exceeds its progress deadline, or our own timeout, is the product's failure: the new
 * version never became ready.
 */
export async function waitRolledOut(app: KubernetesApp, applied: k8s.V1Deployment, what: string, signal: AbortSignal = app.signal): Promise<void> {
  const name = applied.metadata!.name!;
  // The watch cache may still hold the Deployment as it was before this apply: only a status the
  // controller wrote for this generation or a later one says anything about this rollout.
  const generation = applied.metadata?.generation ?? 0;
  const timeoutMs = app.cell.kubernetes!.rolloutTimeoutMs;
  try {
    await app.watch.deployments.until(
      (deployments) => {
        const deployment = deployments.find((candidate) => candidate.metadata?.name === name);
        if (!deployment || (deployment.status?.observedGeneration ?? -1) < generation) return false;
        const stalled = deployment.status?.conditions?.find((condition) => condition.type === 'Progressing' && condition.reason === 'ProgressDeadlineExceeded');
        if (stalled) throw new UpgradeFailedError(`${what}: Deployment ${name} ${stalled.message ?? 'exceeded its progress deadline'}`, { code: 'ROLLOUT_STALLED' });
        return rolledOut(deployment);
      },
      { what, timeoutMs, signal, lastEvents: () => app.watch.lastLines() },
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw new UpgradeFailedError(error.message, { code: 'ROLLOUT_TIMEOUT', cause: error, timingDependent: true });
    throw error;
  }
}

export function rolledOut(deployment: k8s.V1Deployment): boolean {
  const status = deployment.status ?? {};
  const wanted = deployment.spec?.replicas ?? 1;
  return (
    (deployment.metadata?.generation ?? 0) <= (status.observedGeneration ?? -1) &&
    (status.updatedReplicas ?? 0) === wanted &&
    (status.replicas ?? 0) === wanted &&
    (status.availableReplicas ?? 0) === wanted
  );
}

/** Until the pods of each StatefulSet (the database) are ready: nothing may migrate before. */
export async function waitStatefulReady(app: KubernetesApp, objects: k8s.KubernetesObject[]): Promise<void> {
  for (const object of objects.filter((candidate) => candidate.kind === 'StatefulSet')) {
    const set = object as k8s.V1StatefulSet;
    const name = set.metadata!.name!;
    const wanted = set.spec?.replicas ?? 1;
    await app.watch.pods.until((pods) => podsOf(pods, 'StatefulSet', name).filter(isPodReady).length >= wanted, {
      what: `StatefulSet ${name}: ${wanted} ready pod(s)`,
      timeoutMs: app.cell.kubernetes!.rolloutTimeoutMs,
      signal: app.signal,
      lastEvents: () => app.watch.lastLines(),
    });
  }
}

/** Pods owned by a controller of that kind and name (a StatefulSet owns its pods directly). */
export function podsOf(pods: readonly k8s.V1Pod[], kind: string, name: string): k8s.V1Pod[] {
  return pods.filter((pod) => pod.metadata?.ownerReferences?.some((owner) => owner.kind === kind && owner.name === name));
}

/** Pods whose labels match every key of a selector. */
export function podsMatching(pods: readonly k8s.V1Pod[], selector: Record<string, string>): k8s.V1Pod[] {
  return pods.filter((pod) => Object.entries(selector).every(([key, value]) => pod.metadata?.labels?.[key] === value));
}

/**
 * What is wrong, seen from the cluster, if the app should run `expected` everywhere: serving pods
 * of another version, fewer ready pods than the cell's replicas, Service endpoints of another version.
 */
export function servingProblems(app: KubernetesApp, selector: Record<string, string>, expected: string): string[] {
  const problems: string[] = [];
  const serving = podsMatching(app.watch.pods.list(), selector).filter((pod) => !pod.metadata?.deletionTimestamp);
  const ready = serving.filter(isPodReady);
  const wrong = serving.filter((pod) => app.watch.versionOf(pod) !== expected);
  for (const pod of wrong) problems.push(`pod ${pod.metadata?.name} runs ${app.watch.versionOf(pod) ?? 'no version label'}, expected ${expected}`);
  if (ready.length < app.cell.replicas) problems.push(`${ready.length} of ${app.cell.replicas} pods of ${expected} are ready`);
  for (const endpoint of app.watch.readyEndpoints()) {
    if (endpoint.version !== expected) problems.push(`the Service's endpoint ${endpoint.address} is a pod of ${endpoint.version ?? 'an unknown version'}`);
  }
  return problems;
}

/** The Deployment the scenario names (kubernetes.workload.deployment), as Helm or an operator left it: its selector picks the app's pods. */
export function workloadSelector(app: KubernetesApp, madeBy: string): Record<string, string> {
  const name = app.packaging.workload.deployment;
  const labels = app.watch.deployments.get(name, app.namespace)?.spec?.selector?.matchLabels;
  if (!labels) throw new UpgradeFailedError(`${madeBy} created no Deployment ${name} (kubernetes.workload.deployment)`, { code: 'NO_WORKLOAD' });
  return labels;
}

export function selectorOf(deployment: k8s.V1Deployment): Record<string, string> {
  const labels = deployment.spec?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) throw new InfrastructureError(`${describeObject(deployment)} has no spec.selector.matchLabels`, { code: 'NO_SELECTOR' });
  return labels;
}
