// An operator's CRDs are cluster-wide, and deleting one deletes every resource of it in every
// namespace. So: a CRD the cluster had before any run (no run label: the user's own install of
// the operator) is applied as the scenario gives it and never removed. One a run created carries
// that run's labels; the run removes it when it ends, and `gc` when the run died, but only once
// no custom resource of it is left anywhere (another run on the same cluster may still use it).
import * as k8s from '@kubernetes/client-node';
import { call, describeObject, statusOf, type KubeApi } from '../kube-api.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { RUN_LABEL } from '../names.ts';
import { inCell } from '../workload.ts';

export type Removal = 'removed' | 'in use' | 'gone';

/** Applies a cluster-scoped object of an operator's install; registers its removal at the run's end unless it is the cluster's own. */
export async function applyClusterObject(app: KubernetesApp, object: k8s.KubernetesObject): Promise<void> {
  const existing = await app.api.objects.read(object as Parameters<typeof app.api.objects.read>[0]).catch((error: unknown) => {
    if (statusOf(error) === 404) return undefined;
    throw error;
  });
  if (existing && !existing.metadata?.labels?.[RUN_LABEL]) {
    await app.api.apply(object);
    return;
  }
  await app.api.apply(inCell(app, object));
  await app.shared(`cluster-scoped ${app.api.server} ${describeObject(object)}`, async () => ({
    // A cluster deleted by then took it along.
    [Symbol.asyncDispose]: async () => void (await removeIfUnused(app.api, object).catch(() => undefined)),
  }));
}

/** Deletes the object; a CRD only when no resource of it is left in any namespace. */
export async function removeIfUnused(api: KubeApi, object: k8s.KubernetesObject): Promise<Removal> {
  if (object.kind !== 'CustomResourceDefinition') {
    await api.delete(object);
    return 'removed';
  }
  const extensions = api.config.makeApiClient(k8s.ApiextensionsV1Api);
  let crd: k8s.V1CustomResourceDefinition;
  try {
    crd = await extensions.readCustomResourceDefinition({ name: object.metadata!.name! });
  } catch (error) {
    if (statusOf(error) === 404) return 'gone';
    throw error;
  }
  const { group, names } = crd.spec;
  for (const version of crd.spec.versions.filter((candidate) => candidate.served)) {
    const left = await call(`list ${names.kind} in every namespace`, () =>
      api.objects.list(`${group}/${version.name}`, names.kind, undefined, undefined, undefined, undefined, undefined, undefined, 1),
    );
    if (left.items.length > 0) return 'in use';
  }
  await api.delete(object);
  return 'removed';
}
