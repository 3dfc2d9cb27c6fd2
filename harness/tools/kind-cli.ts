// kind (Kubernetes in Docker), through the one tool wrapper.
import { checkedTool } from './checked-tool.ts';
import type { ToolOptions, ToolResult } from './run-tool.ts';

/**
 * kind v0.20.0 release notes: it requires Docker 20.10+ (the harness's own Docker minimum), and node
 * images built with kind v0.20.0+ need kind v0.20.0+ on cgroup v1 hosts. Images are re-published per
 * kind release, so an older kind meets images it cannot boot. Every flag used here
 * (create --config/--wait/--kubeconfig, load docker-image IMAGE..., extraPortMappings.listenAddress,
 * networking.apiServerAddress) is older than that.
 */
export const MINIMUM_KIND_VERSION = '0.20.0';

export const KIND_INSTALL_HINT =
  `install kind ${MINIMUM_KIND_VERSION} or newer: \`go install sigs.k8s.io/kind@v0.32.0\`, or the release binary ` +
  '(curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.32.0/kind-linux-amd64 && chmod +x ./kind && sudo mv ./kind /usr/local/bin/kind); ' +
  'or set UPGRADE_HARNESS_KIND to its path';

const tool = checkedTool({
  name: 'kind',
  binaryEnv: 'UPGRADE_HARNESS_KIND',
  installHint: KIND_INSTALL_HINT,
  versionArgs: ['version'],
  // kind's version command prints "kind v0.27.0 go1.23.4 linux/amd64" (pkg/cmd/kind/version: DisplayVersion).
  minimum: { version: MINIMUM_KIND_VERSION, pattern: /^kind v(\d+\.\d+\.\d+\S*)/m },
});

/** kind's version, checked once per process against the minimum. */
export const kindVersion = (): Promise<string> => tool.check();

/** Runs `kind ARGS` once its version was checked. */
export const kind = (args: readonly string[], options?: ToolOptions): Promise<ToolResult> => tool.run(args, options);
