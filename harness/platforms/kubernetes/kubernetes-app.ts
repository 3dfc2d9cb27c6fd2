import type * as k8s from '@kubernetes/client-node';
import type { Cell, KubernetesPackaging } from '../../matrix/cell.ts';
import type { KubeApi } from './kube-api.ts';
import type { NamespaceWatch } from './namespace-watch.ts';

/** The application of one cell in its namespace: what every Kubernetes method works on. */
export interface KubernetesApp {
  api: KubeApi;
  namespace: string;
  cell: Cell;
  packaging: KubernetesPackaging;
  watch: NamespaceWatch;
  /** The NodePort published on 127.0.0.1 for this cell (kind, k3d), or null (an existing cluster). */
  nodePort: number | null;
  /** For the tools (helm) that take a kubeconfig file. */
  kubeconfig: string;
  context?: string;
  logDir: string;
  signal: AbortSignal;
  /** Labels every object the harness creates carries (run, cell, owner). */
  labels: Record<string, string>;
  /** A password made for this cell ({{databasePassword}} in manifests and values): no fixed secret in any file. */
  databasePassword: string;
  /** Cluster-scoped objects the scenario's manifests created (a CRD, a ClusterRole): removed at teardown. */
  clusterScoped: Map<string, k8s.KubernetesObject>;
  /** What a method started for the cell (an operator process): disposed first at teardown, before the namespace goes. */
  resources: AsyncDisposableStack;
  /** A resource the run's cells on this cluster share (an operator's CRDs): made once, disposed when the run ends. */
  shared<T extends AsyncDisposable>(key: string, create: () => Promise<T>): Promise<T>;
  /** The run's id: labels on processes the cell starts, so `gc` finds them if the run dies. */
  runId: string;
}
