// kubectl, through the one tool wrapper: only where a one-off command is simpler than an API client.
import { checkedTool } from './checked-tool.ts';
import type { ToolOptions, ToolResult } from './run-tool.ts';

export const KUBECTL_INSTALL_HINT =
  'install kubectl (https://kubernetes.io/docs/tasks/tools/#kubectl): ' +
  'curl -LO "https://dl.k8s.io/release/$(curl -L -s https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl" && sudo install kubectl /usr/local/bin/; ' +
  'or set UPGRADE_HARNESS_KUBECTL to its path';

const tool = checkedTool({
  name: 'kubectl',
  binaryEnv: 'UPGRADE_HARNESS_KUBECTL',
  installHint: KUBECTL_INSTALL_HINT,
  // --client: prints the client's version without asking any cluster.
  versionArgs: ['version', '--client'],
});

/** Whether kubectl runs at all (its client version output); once per process. */
export const kubectlVersion = (): Promise<string> => tool.check();

/** Runs `kubectl ARGS`. */
export const kubectl = (args: readonly string[], options?: ToolOptions): Promise<ToolResult> => tool.run(args, options);
