// helm, through the one tool wrapper: UPGRADE_HARNESS_HELM, else PATH, else the harness's tool
// cache (~/.cache/upgrade-harness/bin, where `npm run rig` puts the helm it builds).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkedTool } from './checked-tool.ts';
import type { ToolOptions, ToolResult } from './run-tool.ts';

/** Helm 3.8 made OCI charts and `--wait-for-jobs` (hook Jobs awaited) dependable; the chart methods rely on both waits. */
export const MINIMUM_HELM_VERSION = '3.8.0';

export const HELM_INSTALL_HINT =
  'install helm 3 (https://helm.sh/docs/intro/install/, or `go install helm.sh/helm/v3/cmd/helm@v3.21.4`); ' +
  '`npm run rig -- build` also builds one into ~/.cache/upgrade-harness/bin; or set UPGRADE_HARNESS_HELM to its path';

/** ${XDG_CACHE_HOME:-~/.cache}/upgrade-harness/bin: tools the harness's own scripts built. */
export function toolCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? xdg : join(homedir(), '.cache'), 'upgrade-harness', 'bin');
}

const tool = checkedTool({
  name: 'helm',
  binaryEnv: 'UPGRADE_HARNESS_HELM',
  installHint: HELM_INSTALL_HINT,
  // `helm version --template` prints only the version, e.g. v3.21.4 (helm docs: helm version).
  versionArgs: ['version', '--template', '{{.Version}}'],
  minimum: { version: MINIMUM_HELM_VERSION, pattern: /^v?(3\.\d+\.\d+\S*)/m },
  alsoIn: () => [toolCacheDir()],
});

/** helm's version, checked once per process against the minimum (helm 3). */
export const helmVersion = (): Promise<string> => tool.check();

export const helm = (args: readonly string[], options?: ToolOptions): Promise<ToolResult> => tool.run(args, options);
