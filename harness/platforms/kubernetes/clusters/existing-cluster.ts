// Platform `kubernetes`: a cluster the user already has. The harness takes its kubeconfig and
// context from the matrix, else KUBECONFIG, else ~/.kube/config; it creates nothing outside the
// cell's namespace (and the cluster-scoped objects the scenario declares), so it creates no front
// door either: HTTP probes go to the matrix's trafficUrl.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InfrastructureError } from '../../../errors.ts';
import { KubeApi } from '../kube-api.ts';
import type { ClusterProvider, ClusterRequest, ClusterLease } from './cluster-provider.ts';

export interface ExistingClusterOptions {
  /** Where the app's Service is reachable from this machine (the matrix's kubernetes.trafficUrl). */
  trafficUrl?: string;
  /** The matrix's kubeconfig and context. */
  kubeconfig?: string;
  context?: string;
}

export function existingClusterProvider(options: ExistingClusterOptions = {}): ClusterProvider {
  return {
    name: 'kubernetes',
    /** No tools: but the kubeconfig must be there and its cluster answer, before any cell starts. */
    async checkTools() {
      await new KubeApi(kubeconfigFile(options.kubeconfig), options.context).version();
    },
    async acquire(request: ClusterRequest): Promise<ClusterLease> {
      const kubeconfig = kubeconfigFile(request.kubeconfig);
      return {
        kubeconfig,
        ...(request.context ? { context: request.context } : {}),
        description: `existing cluster (${kubeconfig}${request.context ? `, context ${request.context}` : ''})`,
        frontDoor: options.trafficUrl ? { nodePort: null, url: options.trafficUrl } : null,
        async [Symbol.asyncDispose]() {},
      };
    },
    // An existing cluster's leftovers are namespaces, collected by the platform's own gc.
    async collectGarbage() {
      return 0;
    },
  };
}

/** The matrix's kubeconfig, else the first file of KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFile(fromMatrix?: string): string {
  const candidates = fromMatrix ? [fromMatrix] : [...(process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean), join(homedir(), '.kube', 'config')];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) {
    throw new InfrastructureError(`no kubeconfig found (tried ${candidates.join(', ')})`, {
      code: 'NO_KUBECONFIG',
      hint: 'set KUBECONFIG, or kubernetes.kubeconfig in the matrix; `npm run rig -- up DIR` writes DIR/kubeconfig for a local control plane',
    });
  }
  return file;
}
