// What differs between kind and k3d: the commands. Everything else (names, front-door slots,
// readiness, sharing per run, cleanup, gc) is the same and lives in tool-cluster*.ts.
import type { FrontDoorSlot } from './front-door-slots.ts';

export interface CreateSpec {
  name: string;
  /** major.minor.patch without a leading v; absent: the tool's default node image. */
  kubernetesVersion?: string;
  /** Published at creation, each host port (on 127.0.0.1) to its nodePort. */
  slots: readonly FrontDoorSlot[];
  /** Private folder for config files; removed with the cluster. */
  workDir: string;
  /** Where the cluster's kubeconfig must be written (never the user's ~/.kube/config). */
  kubeconfig: string;
  signal?: AbortSignal;
}

export interface ClusterDriver {
  readonly tool: 'kind' | 'k3d';
  /** The tool and kubectl run (ToolMissingError naming the one that does not). */
  checkTools(): Promise<void>;
  /** Creates the cluster; its context in `spec.kubeconfig` and what the tool printed. */
  create(spec: CreateSpec): Promise<{ context: string; output: string }>;
  /** Copies locally built images into the cluster's nodes; what the tool printed. */
  loadImages(name: string, images: readonly string[], signal?: AbortSignal): Promise<string>;
  /** Deletes the cluster, succeeding when it is already gone; `kubeconfig` is the only one it may edit. */
  delete(name: string, kubeconfig: string): Promise<string>;
  /** Names of every cluster of this tool on the machine, the harness's or not. */
  list(): Promise<string[]>;
}

/** stdout and stderr of a tool, for the cluster's log file (kind reports progress on stderr). */
export function printed(result: { stdout: string; stderr: string }): string {
  return [result.stdout, result.stderr].filter((text) => text.trim() !== '').join('\n');
}
