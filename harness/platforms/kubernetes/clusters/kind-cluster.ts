// Clusters made by kind: one Docker container per node, here a single control-plane node that
// also runs the cells' pods.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kind, kindVersion } from '../../../tools/kind-cli.ts';
import { kubectlVersion } from '../../../tools/kubectl-cli.ts';
import { type ClusterDriver, printed } from './cluster-driver.ts';
import type { ClusterProvider } from './cluster-provider.ts';
import { kindClusterConfig } from './kind-config.ts';
import { toolClusterProvider } from './tool-cluster-provider.ts';

/** `--wait` of `kind create cluster`: how long kind itself waits for the control-plane node. */
const CONTROL_PLANE_WAIT = '5m';
/** Pulling a node image on a cold machine plus booting it: well past the wait above. */
const CREATE_TIMEOUT_MS = 15 * 60_000;

export const kindDriver: ClusterDriver = {
  tool: 'kind',

  async checkTools() {
    await kindVersion();
    await kubectlVersion();
  },

  async create(spec) {
    const config = join(spec.workDir, 'kind-config.yaml');
    await writeFile(config, kindClusterConfig({ slots: spec.slots, kubernetesVersion: spec.kubernetesVersion }));
    // kind docs: Quick Start > Creating a Cluster (--name; --wait "block until the control plane
    // reaches a ready status", units required); `--kubeconfig` "sets kubeconfig path instead of
    // $KUBECONFIG or $HOME/.kube/config" (kind create cluster --help): each cluster gets its own
    // file, and parallel creates do not contend for ~/.kube/config's lock file.
    const result = await kind(['create', 'cluster', '--name', spec.name, '--config', config, '--wait', CONTROL_PLANE_WAIT, '--kubeconfig', spec.kubeconfig], {
      signal: spec.signal,
      timeoutMs: CREATE_TIMEOUT_MS,
    });
    // kind names the context kind-<cluster> (pkg/cluster/internal/kubeconfig KINDClusterKey).
    return { context: `kind-${spec.name}`, output: printed(result) };
  },

  async loadImages(name, images, signal) {
    // kind docs: Quick Start > Loading an Image Into Your Cluster: several images in one call, --name for a named cluster.
    return printed(await kind(['load', 'docker-image', ...images, '--name', name], { signal }));
  },

  async delete(name, kubeconfig) {
    // kind delete cluster: idempotent; --kubeconfig: the only kubeconfig it removes the cluster from.
    return printed(await kind(['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { timeoutMs: 5 * 60_000 }));
  },

  async list() {
    // `kind get clusters`: one name per line on stdout ("No kind clusters found." goes to stderr).
    const { stdout } = await kind(['get', 'clusters'], { timeoutMs: 60_000 });
    return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  },
};

export const kindClusterProvider: ClusterProvider = toolClusterProvider(kindDriver);
