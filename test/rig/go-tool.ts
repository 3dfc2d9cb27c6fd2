// `go` through the harness's one wrapper around external programs, with the environment and
// timeouts a cold Kubernetes build needs.
import { runTool, type ToolResult } from '../../harness/tools/run-tool.ts';

/** A cold link of kube-apiserver on two cores takes minutes; nothing may hang forever though. */
const GO_TIMEOUT_MS = 60 * 60_000;

export function goEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    // No VCS stamping: the wrapper module lives in no repository (the machine sets it too).
    GOFLAGS: '-buildvcs=false',
    // Static binaries: nothing of the rig needs cgo, and they keep working if libc changes.
    CGO_ENABLED: '0',
    ...extra,
  };
}

export function runGo(args: readonly string[], options: { cwd?: string; env?: Record<string, string> }): Promise<ToolResult> {
  return runTool('go', args, {
    cwd: options.cwd,
    env: options.env ?? goEnv(),
    timeoutMs: GO_TIMEOUT_MS,
    installHint: 'install Go 1.24 or newer (https://go.dev/dl/)',
  });
}
