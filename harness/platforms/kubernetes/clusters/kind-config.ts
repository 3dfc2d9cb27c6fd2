// The kind cluster config (kind docs: Configuration; apiVersion kind.x-k8s.io/v1alpha4).
import { stringify } from 'yaml';
import type { FrontDoorSlot } from './front-door-slots.ts';

/** The node image of a Kubernetes version (kind docs: Configuration > Kubernetes Version: `kindest/node:vX.Y.Z`). */
export function kindNodeImage(kubernetesVersion: string): string {
  return `kindest/node:v${kubernetesVersion}`;
}

export function kindClusterConfig(options: { slots: readonly FrontDoorSlot[]; kubernetesVersion?: string }): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    // kind docs: Configuration > API Server: listen on loopback only (127.0.0.1, kind's default,
    // written out so no KIND_ config or future default changes it); the port stays random.
    networking: { apiServerAddress: '127.0.0.1' },
    nodes: [
      {
        role: 'control-plane',
        ...(options.kubernetesVersion ? { image: kindNodeImage(options.kubernetesVersion) } : {}),
        // kind docs: Configuration > Extra Port Mappings > NodePort with Port Mappings: the node's
        // containerPort must equal the Service's nodePort. listenAddress keeps the host port on
        // loopback (the default is 0.0.0.0, every interface).
        extraPortMappings: options.slots.map((slot) => ({
          containerPort: slot.nodePort,
          hostPort: slot.hostPort,
          listenAddress: '127.0.0.1',
          protocol: 'TCP',
        })),
      },
    ],
  });
}
