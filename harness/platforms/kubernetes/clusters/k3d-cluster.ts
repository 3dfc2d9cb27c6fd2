// Clusters made by k3d: k3s in Docker, here one server node behind k3d's load balancer container
// (k3d-<name>-serverlb), which publishes the API server and the front doors on the host.
import { k3d, k3dVersion } from '../../../tools/k3d-cli.ts';
import { kubectlVersion } from '../../../tools/kubectl-cli.ts';
import { freePort } from '../../../util/free-port.ts';
import { type ClusterDriver, printed } from './cluster-driver.ts';
import type { ClusterProvider } from './cluster-provider.ts';
import type { FrontDoorSlot } from './front-door-slots.ts';
import { toolClusterProvider } from './tool-cluster-provider.ts';

/** k3d's own rollback timeout (`--timeout`): it removes what it made when creation takes longer. */
const CREATE_TIMEOUT = '300s';
const CREATE_TIMEOUT_MS = 10 * 60_000;

/**
 * The k3s image of a Kubernetes version. k3s tags its releases vX.Y.Z+k3sN and Docker tags cannot
 * hold '+', so images are `rancher/k3s:vX.Y.Z-k3sN` (k3d docs: Config File, `image:
 * rancher/k3s:v1.35.2-k3s1`). A version naming its k3s revision (1.31.5+k3s2) keeps it; otherwise
 * the first, k3s1, which every k3s release has.
 */
export function k3sImage(kubernetesVersion: string): string {
  const tag = /[+-]k3s\d+$/.test(kubernetesVersion) ? kubernetesVersion.replace('+', '-') : `${kubernetesVersion}-k3s1`;
  return `rancher/k3s:v${tag}`;
}

/**
 * k3d docs: Exposing Services > via NodePort maps `HOSTPORT:NODEPORT@<node>`. Node filter
 * `server:0` (the only node); since k3d v5 a mapping goes through the serverlb by default (its
 * `proxy` suffix), which forwards to that node, and `@loadbalancer` would be rewritten to
 * `servers:*` and `agents:*` (pkg/client/ports.go), the same one node here. The HOST part keeps the
 * published port on loopback.
 */
export function k3dPortMapping(slot: FrontDoorSlot): string {
  return `127.0.0.1:${slot.hostPort}:${slot.nodePort}@server:0`;
}

export const k3dDriver: ClusterDriver = {
  tool: 'k3d',

  async checkTools() {
    await k3dVersion();
    await kubectlVersion();
  },

  async create(spec) {
    // k3d creates and deletes entries in "the default kubeconfig" ($KUBECONFIG, else ~/.kube/config);
    // pointing KUBECONFIG at the cluster's own file keeps the user's untouched.
    const env = { KUBECONFIG: spec.kubeconfig };
    const apiPort = await freePort();
    // k3d docs: k3d cluster create: --image; --api-port [HOST:]HOSTPORT; -p/--port
    // [HOST:][HOSTPORT:]CONTAINERPORT[@NODEFILTER]; --wait "for the server(s) to be ready";
    // --timeout: roll back when creation takes longer; --kubeconfig-update-default=false and
    // --kubeconfig-switch-context=false: leave the default kubeconfig alone.
    const created = await k3d(
      [
        'cluster',
        'create',
        spec.name,
        ...(spec.kubernetesVersion ? ['--image', k3sImage(spec.kubernetesVersion)] : []),
        '--api-port',
        `127.0.0.1:${apiPort}`,
        ...spec.slots.flatMap((slot) => ['-p', k3dPortMapping(slot)]),
        '--wait',
        '--timeout',
        CREATE_TIMEOUT,
        '--kubeconfig-update-default=false',
        '--kubeconfig-switch-context=false',
      ],
      { signal: spec.signal, timeoutMs: CREATE_TIMEOUT_MS, env },
    );
    // k3d docs: k3d kubeconfig merge (alias write) --output FILE: the cluster's kubeconfig in that file only.
    const written = await k3d(['kubeconfig', 'write', spec.name, '--output', spec.kubeconfig], { signal: spec.signal, timeoutMs: 60_000, env });
    // k3d names the context k3d-<cluster> (pkg/client/kubeconfig.go, DefaultObjectNamePrefix "k3d").
    return { context: `k3d-${spec.name}`, output: [printed(created), printed(written)].join('\n') };
  },

  async loadImages(name, images, signal) {
    // k3d docs: k3d image import [IMAGE | ARCHIVE [IMAGE | ARCHIVE...]] -c/--cluster NAME.
    return printed(await k3d(['image', 'import', ...images, '-c', name], { signal }));
  },

  async delete(name, kubeconfig) {
    // Succeeds when the cluster is gone ("No nodes found for cluster ..., nothing to delete.").
    return printed(await k3d(['cluster', 'delete', name], { timeoutMs: 5 * 60_000, env: { KUBECONFIG: kubeconfig } }));
  },

  async list() {
    // k3d docs: k3d cluster list -o json: an array of clusters, each with its "name".
    const { stdout } = await k3d(['cluster', 'list', '-o', 'json'], { timeoutMs: 60_000 });
    const clusters = JSON.parse(stdout.trim() || '[]') as Array<{ name?: unknown }>;
    return clusters.map((cluster) => cluster.name).filter((name): name is string => typeof name === 'string');
  },
};

export const k3dClusterProvider: ClusterProvider = toolClusterProvider(k3dDriver);
