// The rig's Node objects: registered the way a kubelet registers itself (capacity, addresses,
// node info in the status), annotated so that kwok manages them and plays their kubelet.
import { KUBERNETES_VERSION } from './versions.ts';
import type { RigApiClient } from './api-client.ts';

export const NODE_COUNT = 2;

/** kwok's --manage-nodes-with-annotation-selector matches this. */
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' };

export function nodeName(index: number): string {
  return `rig-node-${index + 1}`;
}

function nodeObject(index: number) {
  const name = nodeName(index);
  // Large enough that no test runs out: scheduling is about spreading, not fitting.
  const capacity = { cpu: '32', memory: '128Gi', pods: '250', 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value, 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `rig-zone-${index + 1}`,
        type: 'kwok',
      },
    },
    // Each node's own range: kwok hands out pod IPs from it. Internal, never routed.
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      capacity,
      allocatable: capacity,
      // TEST-NET-1 (RFC 5737): documentation addresses that nothing routes.
      addresses: [
        { type: 'InternalIP', address: `192.0.2.${index + 1}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: KUBERNETES_VERSION,
        kubeProxyVersion: '',
        containerRuntimeVersion: 'kwok',
        osImage: 'kwok',
        kernelVersion: 'kwok',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

/** Creates the nodes (an existing one is fine: the status already says what it needs). */
export async function registerNodes(api: RigApiClient): Promise<void> {
  for (let i = 0; i < NODE_COUNT; i++) {
    const res = await api.request('POST', '/api/v1/nodes', nodeObject(i));
    if (res.status !== 201 && res.status !== 409) throw new Error(`creating node ${nodeName(i)}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  }
}

interface NodeList {
  items: { metadata: { name: string }; spec?: { taints?: { key: string }[] }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** Ready, and free of the taints the node lifecycle controller puts on a node not yet ready. */
export async function nodesReady(api: RigApiClient): Promise<boolean> {
  const list = await api.json<NodeList>('/api/v1/nodes');
  if (!list) return false;
  const ready = list.items.filter(
    (node) =>
      node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
      !node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable'),
  );
  return ready.length >= NODE_COUNT;
}
