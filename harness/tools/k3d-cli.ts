// k3d (k3s in Docker), through the one tool wrapper.
import { checkedTool } from './checked-tool.ts';
import type { ToolOptions, ToolResult } from './run-tool.ts';

/**
 * k3d CHANGELOG v5.0.0: node filters became `@server:0` (no brackets) and port mappings go through
 * the server load balancer by default, the form `-p` is given here. v5.4.0 put `image import` back on
 * its tools-node mode after the direct mode of v5.3 "fails fairly often".
 */
export const MINIMUM_K3D_VERSION = '5.4.0';

export const K3D_INSTALL_HINT =
  `install k3d ${MINIMUM_K3D_VERSION} or newer (k3d docs: Installation): ` +
  '`curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash`, or a release binary from ' +
  'https://github.com/k3d-io/k3d/releases; or set UPGRADE_HARNESS_K3D to its path';

const tool = checkedTool({
  name: 'k3d',
  binaryEnv: 'UPGRADE_HARNESS_K3D',
  installHint: K3D_INSTALL_HINT,
  versionArgs: ['version'],
  // `k3d version` prints "k3d version v5.8.3" then "k3s version v1.31.5-k3s1 (default)" (cmd/root.go printVersion).
  minimum: { version: MINIMUM_K3D_VERSION, pattern: /^k3d version v(\d+\.\d+\.\d+\S*)/m },
});

/** k3d's version, checked once per process against the minimum. */
export const k3dVersion = (): Promise<string> => tool.check();

/** Runs `k3d ARGS` once its version was checked. */
export const k3d = (args: readonly string[], options?: ToolOptions): Promise<ToolResult> => tool.run(args, options);
