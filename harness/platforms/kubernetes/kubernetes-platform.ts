// Platforms kind, k3d and kubernetes: one implementation, a cluster provider each (chosen here, in
// one place). Loaded on first use, so runs on other platforms never load Kubernetes code.
import type { Cell, PlatformName } from '../../matrix/cell.ts';
import { usesHelm } from '../../matrix/cell-needs.ts';
import type { Platform } from '../platform.ts';
import type { ClusterProvider } from './clusters/cluster-provider.ts';

type KubernetesPlatformName = Extract<PlatformName, 'kind' | 'k3d' | 'kubernetes'>;

export async function clusterProviderFor(platform: KubernetesPlatformName, cell?: Cell): Promise<ClusterProvider> {
  switch (platform) {
    case 'kind':
      return (await import('./clusters/kind-cluster.ts')).kindClusterProvider;
    case 'k3d':
      return (await import('./clusters/k3d-cluster.ts')).k3dClusterProvider;
    case 'kubernetes': {
      const { existingClusterProvider } = await import('./clusters/existing-cluster.ts');
      const settings = cell?.kubernetes;
      return existingClusterProvider({
        ...(settings?.trafficUrl ? { trafficUrl: settings.trafficUrl } : {}),
        ...(settings?.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
        ...(settings?.context ? { context: settings.context } : {}),
      });
    }
  }
}

function kubernetesPlatform(name: KubernetesPlatformName): Platform {
  return {
    name,
    async preflight(cells) {
      await (await clusterProviderFor(name, cells[0])).checkTools();
      if (cells.some(usesHelm)) await (await import('../../tools/helm-cli.ts')).helmVersion();
    },
    async provision(cell, context) {
      const { provisionKubernetesEnvironment } = await import('./kubernetes-environment.ts');
      return provisionKubernetesEnvironment(await clusterProviderFor(name, cell), cell, context);
    },
  };
}

export const kindPlatform = kubernetesPlatform('kind');
export const k3dPlatform = kubernetesPlatform('k3d');
export const existingClusterPlatform = kubernetesPlatform('kubernetes');
