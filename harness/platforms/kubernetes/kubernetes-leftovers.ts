// `upgrade-harness gc` for Kubernetes: kind and k3d clusters whose run is gone (found by name
// prefix, the run id in the name), and cell namespaces on the cluster of KUBECONFIG created from
// this host by a run that is gone (found by label), then the operators' CRDs such runs applied that
// nothing uses any more. Namespaces of live runs, and of other hosts' runs, are left alone.
import { hostname } from 'node:os';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { kubeconfigFile } from './clusters/existing-cluster.ts';
import { KubeApi } from './kube-api.ts';
import { clusterProviderFor } from './kubernetes-platform.ts';
import { dnsLabel, HOST_LABEL, RUN_LABEL } from './names.ts';
import { deleteNamespace } from './namespaces.ts';
import { removeIfUnused } from './operator/cluster-objects.ts';

export interface KubernetesLeftovers {
  clusters: number;
  namespaces: number;
  /** Operators' CRDs such a run applied that no resource uses any more. */
  crds: number;
  /** Why namespaces were not looked for (no kubeconfig, cluster unreachable). */
  skipped?: string;
}

export async function removeOrphanedKubernetesResources(live: Set<string>): Promise<KubernetesLeftovers> {
  const isRunAlive = (runId: string) => live.has(runId);
  let clusters = 0;
  for (const platform of ['kind', 'k3d'] as const) clusters += await (await clusterProviderFor(platform)).collectGarbage(isRunAlive);
  let api: KubeApi;
  try {
    api = new KubeApi(kubeconfigFile());
    await api.version();
  } catch (error) {
    return { clusters, namespaces: 0, crds: 0, skipped: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  const host = dnsLabel(hostname()) || 'unknown';
  const list = await api.core.listNamespace({ labelSelector: `${RUN_LABEL},${HOST_LABEL}=${host}` });
  const orphans = list.items.filter((namespace) => !isRunAlive(namespace.metadata?.labels?.[RUN_LABEL] ?? '') && !namespace.metadata?.deletionTimestamp);
  await Promise.all(orphans.map((namespace) => deleteNamespace(api, namespace.metadata!.name!, () => undefined)));
  // After the namespaces: their custom resources went with them, so a CRD only a dead run used is unused now.
  const crds = await api.config.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition({ labelSelector: `${RUN_LABEL},${HOST_LABEL}=${host}` });
  let removedCrds = 0;
  for (const crd of crds.items.filter((candidate) => !isRunAlive(candidate.metadata?.labels?.[RUN_LABEL] ?? ''))) {
    if ((await removeIfUnused(api, { ...crd, apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' })) === 'removed') removedCrds++;
  }
  return { clusters, namespaces: orphans.length, crds: removedCrds };
}
