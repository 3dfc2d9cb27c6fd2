// A cell's namespace: created labelled with the run and cell (gc and the acceptance find them by
// label), deleted at teardown and awaited until the namespace controller has removed it.
import { InfrastructureError } from '../../errors.ts';
import { call, statusOf, type KubeApi } from './kube-api.ts';

const DELETE_TIMEOUT_MS = 120_000;
const POLL_MS = 500;

export async function createNamespace(api: KubeApi, name: string, labels: Record<string, string>, annotations: Record<string, string>): Promise<void> {
  await call(`create namespace ${name}`, () => api.core.createNamespace({ body: { metadata: { name, labels, annotations } } }));
}

/**
 * Deletes the namespace (its pods, Deployments, Helm's release secrets go with it) and waits until
 * it is gone, so nothing of the run outlives it. Waiting polls: one object, once a half second, for
 * a minute or two at most, where a watch would buy nothing.
 */
export async function deleteNamespace(api: KubeApi, name: string, event: (line: string) => void): Promise<void> {
  const started = performance.now();
  try {
    await api.core.deleteNamespace({ name, propagationPolicy: 'Background' });
  } catch (error) {
    if (statusOf(error) === 404) return;
    throw new InfrastructureError(`namespace ${name} could not be deleted: ${error instanceof Error ? error.message : String(error)}`, { code: 'KUBE_API', cause: error });
  }
  while (performance.now() - started < DELETE_TIMEOUT_MS) {
    try {
      await api.core.readNamespace({ name });
    } catch (error) {
      if (statusOf(error) === 404) {
        event(`namespace ${name} deleted in ${Math.round(performance.now() - started)} ms`);
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new InfrastructureError(`namespace ${name} was still there ${DELETE_TIMEOUT_MS} ms after it was deleted`, {
    code: 'NAMESPACE_STUCK',
    hint: `see what holds it: kubectl get namespace ${name} -o yaml (finalizers, conditions)`,
  });
}
