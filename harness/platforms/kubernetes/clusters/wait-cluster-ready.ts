// Ready means more than an API server that answers: `kind create cluster --wait` only waits for the
// control-plane node and, on timeout, merely warns and exits 0 (kind
// pkg/cluster/internal/create/actions/waitforready); `k3d cluster create --wait` waits for the
// servers' log lines. A cell that deploys before every node is Ready and cluster DNS runs sees
// failures that are the cluster's, not the upgrade's.
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from '../../../errors.ts';
import { kubectl } from '../../../tools/kubectl-cli.ts';
import { ToolFailedError } from '../../../tools/run-tool.ts';

export interface ReadyOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const RETRY_INTERVAL_MS = 1_000;
/**
 * kubectl's answers while what it waits for does not exist yet: right after creation the node may
 * not have registered (`kubectl wait ... --all`: "no matching resources found") and k3s applies its
 * CoreDNS manifest a moment after the API server starts ("Error from server (NotFound)").
 */
const NOT_THERE_YET = /no matching resources found|\(NotFound\)/;

/** Every node Ready, then CoreDNS rolled out; waits at most `timeoutMs` in all. */
export async function waitClusterReady(kubeconfig: string, context?: string, options: ReadyOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  const target = ['--kubeconfig', kubeconfig, ...(context ? ['--context', context] : [])];
  // kubectl reference: `kubectl wait --for=condition=Ready nodes --all` and
  // `kubectl rollout status deployment/NAME --timeout=D` (both exit non-zero on timeout).
  const steps: Array<{ what: string; args: (seconds: number) => string[] }> = [
    { what: 'every node to be Ready', args: (s) => [...target, 'wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${s}s`] },
    { what: 'CoreDNS to be available', args: (s) => [...target, '-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', `--timeout=${s}s`] },
  ];
  for (const step of steps) {
    for (;;) {
      options.signal?.throwIfAborted();
      const seconds = Math.ceil((deadline - performance.now()) / 1000);
      if (seconds <= 0) throw new WaitTimeoutError(step.what, timeoutMs);
      try {
        await kubectl(step.args(seconds), { timeoutMs: seconds * 1000 + 15_000, signal: options.signal });
        break;
      } catch (error) {
        if (!(error instanceof ToolFailedError) || !NOT_THERE_YET.test(error.stderrTail.join('\n'))) throw error;
        await sleep(RETRY_INTERVAL_MS, undefined, options.signal ? { signal: options.signal } : undefined);
      }
    }
  }
}
