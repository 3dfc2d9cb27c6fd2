// Where a cell's namespace lives. One provider per kind of cluster (kind, k3d, an existing cluster),
// sibling files behind this one interface, chosen in one place (clusters/index.ts): kind keeps its
// node providers the same way.

/** What a cell asks of its cluster. */
export interface ClusterRequest {
  runId: string;
  cellId: string;
  /** Kubernetes version of the nodes (kind/k3d: picks the node image); absent: the tool's default. */
  kubernetesVersion?: string;
  /** `per-cell`: a cluster created for this cell; `per-run`: one cluster shared by the run's cells (a namespace each). */
  scope: 'per-cell' | 'per-run';
  /** How many cells of the run may use one shared cluster at once (front-door ports to publish). */
  concurrency: number;
  /** Locally built images to load into the cluster's nodes (no registry). */
  images: string[];
  /** Existing clusters: kubeconfig file and context from the matrix; else KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  /** Folder for this cell's logs (the tools' output lands there). */
  logDir: string;
  signal: AbortSignal;
  /** A line on the cell's timeline. */
  event(message: string): void;
  /** The run's own signal: a shared cluster is created under it, so one cell's deadline cannot break it for the others. */
  runSignal: AbortSignal;
  /** A resource shared by the run's cells, created by the first that asks, disposed after the run's last cell. */
  shared<T extends AsyncDisposable>(key: string, create: () => Promise<T>): Promise<T>;
}

/** A cluster a cell may use until it disposes the lease (a per-cell cluster is deleted then). */
export interface ClusterLease extends AsyncDisposable {
  /** Path of a kubeconfig file that reaches the cluster. */
  readonly kubeconfig: string;
  /** The context to use in it; absent: its current context. */
  readonly context?: string;
  /** A line for the report: which cluster this is ("kind cluster uh-20261201-ab12 (v1.34.0)"). */
  readonly description: string;
  /**
   * Where the cell's front door is reachable from this machine, on 127.0.0.1: the host port
   * published for `nodePort` (kind extraPortMappings / k3d port mappings), or null where nothing is
   * published (an existing cluster without a trafficUrl; with one, nodePort is null: the user's Service decides).
   */
  readonly frontDoor: { nodePort: number | null; url: string } | null;
}

export interface ClusterProvider {
  readonly name: 'kind' | 'k3d' | 'kubernetes';
  /** Fails with ToolMissingError (exit 3, naming the tool and how to install it) before anything starts. */
  checkTools(): Promise<void>;
  acquire(request: ClusterRequest): Promise<ClusterLease>;
  /** Clusters (or namespaces) of runs that are gone, removed by name prefix; how many. */
  collectGarbage(isRunAlive: (runId: string) => boolean): Promise<number>;
}

/** Every cluster the harness creates is named so: gc finds them by this prefix and the run id in the name. */
export const CLUSTER_NAME_PREFIX = 'uh-';
