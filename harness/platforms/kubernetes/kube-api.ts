// The cluster through @kubernetes/client-node: one KubeConfig per cell, server-side apply as
// `kubectl apply --server-side` does it, and API errors turned into the harness's typed errors.
import * as k8s from '@kubernetes/client-node';
import { InfrastructureError } from '../../errors.ts';

/** Field manager of every apply: the owner of the fields the harness sets, as SSA records it. */
export const FIELD_MANAGER = 'upgrade-harness';

export class KubeApi {
  readonly config: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly batch: k8s.BatchV1Api;
  readonly discovery: k8s.DiscoveryV1Api;
  readonly objects: k8s.KubernetesObjectApi;

  constructor(kubeconfig: string, context?: string) {
    this.config = new k8s.KubeConfig();
    try {
      this.config.loadFromFile(kubeconfig);
      if (context) this.config.setCurrentContext(context);
    } catch (cause) {
      throw new InfrastructureError(`kubeconfig ${kubeconfig} could not be read: ${messageOf(cause)}`, {
        code: 'KUBECONFIG',
        hint: 'point --kubeconfig, KUBECONFIG or kubernetes.kubeconfig in the matrix at a readable kubeconfig file',
        cause,
      });
    }
    if (!this.config.getCurrentCluster()) {
      throw new InfrastructureError(`kubeconfig ${kubeconfig} has no cluster for context ${context ?? this.config.getCurrentContext() ?? '(none)'}`, {
        code: 'KUBECONFIG',
        hint: 'name an existing context (kubernetes.context in the matrix), or set current-context in the kubeconfig',
      });
    }
    this.core = this.config.makeApiClient(k8s.CoreV1Api);
    this.apps = this.config.makeApiClient(k8s.AppsV1Api);
    this.batch = this.config.makeApiClient(k8s.BatchV1Api);
    this.discovery = this.config.makeApiClient(k8s.DiscoveryV1Api);
    this.objects = k8s.KubernetesObjectApi.makeApiClient(this.config);
  }

  /** The server's version (gitVersion): asks the cluster something harmless, to know it answers. */
  async version(): Promise<string> {
    const info = await call(`read the version of ${this.server}`, () => this.config.makeApiClient(k8s.VersionApi).getCode());
    return info.gitVersion;
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '(unknown server)';
  }

  /** Server-side apply, forcing ownership of the fields we set (the harness is the only writer of its namespaces). */
  async apply<T extends k8s.KubernetesObject>(object: T): Promise<T> {
    return call(`apply ${describeObject(object)}`, () => this.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply));
  }

  /** Deletes an object; one that is already gone is fine. */
  async delete(object: k8s.KubernetesObject, propagationPolicy: 'Background' | 'Foreground' = 'Background'): Promise<void> {
    try {
      await this.objects.delete(object, undefined, undefined, undefined, undefined, propagationPolicy);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw apiError(`delete ${describeObject(object)}`, error);
    }
  }
}

export function describeObject(object: k8s.KubernetesObject): string {
  return `${object.kind ?? 'object'} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '(unnamed)'}`;
}

export function statusOf(error: unknown): number | undefined {
  return error instanceof k8s.ApiException ? error.code : undefined;
}

/** Runs one API call; a failure becomes an InfrastructureError naming what was attempted and what the API said. */
export async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw apiError(what, error);
  }
}

function apiError(what: string, error: unknown): InfrastructureError {
  const status = statusOf(error);
  const said = error instanceof k8s.ApiException ? apiMessage(error.body) : messageOf(error);
  if (status === undefined) {
    return new InfrastructureError(`the Kubernetes API did not answer (${what}): ${said}`, {
      code: 'KUBE_UNREACHABLE',
      hint: 'check that the cluster in the kubeconfig is up (kubectl cluster-info)',
      cause: error,
    });
  }
  return new InfrastructureError(`Kubernetes refused to ${what} (HTTP ${status}): ${said}`, { code: 'KUBE_API', cause: error });
}

/** The Status object's message, when the body is one. */
function apiMessage(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const parsed = JSON.parse(text) as { message?: string };
    return parsed.message ?? text;
  } catch {
    return text.slice(0, 500);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
