// What a run left in a cluster: the namespaces carrying its run label (harness/platforms/kubernetes/names.ts), CRDs.
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { RUN_LABEL } from '../../harness/platforms/kubernetes/names.ts';

export async function namespacesOfRun(kubeconfig: string, runId: string): Promise<string[]> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const list = await config.makeApiClient(CoreV1Api).listNamespace({ labelSelector: `${RUN_LABEL}=${runId}` });
  return list.items.map((namespace) => namespace.metadata?.name ?? '?');
}

/** Names of the namespaces the cells' timelines say were created ("namespace X created on ..."). */
export function namespacesCreated(events: { message: string }[]): string[] {
  return events.flatMap((event) => /^namespace (\S+) created on /.exec(event.message)?.[1] ?? []);
}

/** Which of these namespaces still exist (in any state, terminating included). */
export async function existingNamespaces(kubeconfig: string, names: string[]): Promise<string[]> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const all = new Set((await config.makeApiClient(CoreV1Api).listNamespace()).items.map((namespace) => namespace.metadata?.name));
  return names.filter((name) => all.has(name));
}

/** Names of the CustomResourceDefinitions in the cluster that are not being deleted. */
export async function crdNames(kubeconfig: string): Promise<string[]> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return (await config.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition()).items.filter((crd) => !crd.metadata?.deletionTimestamp).map((crd) => crd.metadata?.name ?? '?');
}
