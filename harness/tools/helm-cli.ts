// helm through the one tool wrapper. Found on PATH, else in the harness's tool cache
// (~/.cache/upgrade-harness/bin, where `npm run rig` puts the helm it builds), else UPGRADE_HARNESS_HELM.
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../errors.ts';
import { onPath } from './on-path.ts';
import { runTool, ToolMissingError, type ToolOptions, type ToolResult } from './run-tool.ts';

/** `helm upgrade --install --wait` waiting on Jobs and hooks as it does now: helm 3.8 and later. */
export const MINIMUM_HELM_VERSION = '3.8.0';
export const HELM_INSTALL_HINT = 'install helm 3 (https://helm.sh/docs/intro/install/, or `go install helm.sh/helm/v3/cmd/helm@v3.21.4`); `npm run rig -- up DIR` also builds one into ~/.cache/upgrade-harness/bin';

export function toolCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'upgrade-harness', 'bin');
}

let found: Promise<{ file: string; version: string }> | undefined;

/** The helm binary and its version, checked once per process. */
export function helmBinary(): Promise<{ file: string; version: string }> {
  found ??= (async () => {
    const file = await locate();
    const { stdout } = await runTool(file, ['version', '--template', '{{.Version}}'], { timeoutMs: 15_000, installHint: HELM_INSTALL_HINT });
    const version = stdout.trim().replace(/^v/, '');
    if (compare(version, MINIMUM_HELM_VERSION) < 0 || !version.startsWith('3.')) {
      throw new InfrastructureError(`helm ${version} is not supported: helm 3, ${MINIMUM_HELM_VERSION} or newer, is needed`, { code: 'TOOL_TOO_OLD', hint: HELM_INSTALL_HINT });
    }
    return { file, version };
  })();
  found.catch(() => (found = undefined));
  return found;
}

async function locate(): Promise<string> {
  if (process.env.UPGRADE_HARNESS_HELM) return process.env.UPGRADE_HARNESS_HELM;
  if (await onPath('helm')) return 'helm';
  const cached = join(toolCacheDir(), 'helm');
  try {
    await access(cached, constants.X_OK);
    return cached;
  } catch {
    throw new ToolMissingError('helm', HELM_INSTALL_HINT);
  }
}

export async function helm(args: readonly string[], options: ToolOptions = {}): Promise<ToolResult> {
  const { file } = await helmBinary();
  return runTool(file, args, { installHint: HELM_INSTALL_HINT, ...options });
}

function compare(a: string, b: string): number {
  const parts = (text: string) => text.split(/[.+-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
