// The docker CLI, through the one tool wrapper. Used for what the Engine API makes awkward
// (building and importing images); containers are driven through testcontainers instead.
import { InfrastructureError } from '../errors.ts';
import { runTool, ToolFailedError, type ToolOptions, type ToolResult } from './run-tool.ts';

const DOCKER = 'docker';
/** Oldest Engine this harness was checked with (Debian 12's docker.io). */
export const MINIMUM_DOCKER_VERSION = '20.10';
const INSTALL_HINT = 'install docker.io (apt-get install -y docker.io) and start dockerd';

let checked: Promise<string> | undefined;

/** The Engine's version; checked once per process against the minimum. */
export function dockerServerVersion(): Promise<string> {
  checked ??= (async () => {
    let version: string;
    try {
      version = (await runTool(DOCKER, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000, installHint: INSTALL_HINT })).stdout.trim();
    } catch (cause) {
      if (!(cause instanceof ToolFailedError)) throw cause;
      throw new InfrastructureError('no Docker daemon answers', { code: 'DOCKER_UNAVAILABLE', hint: 'start dockerd (dockerd >/var/log/dockerd.log 2>&1 &) and check `docker info`', cause });
    }
    if (compareVersions(version, MINIMUM_DOCKER_VERSION) < 0) {
      throw new InfrastructureError(`Docker Engine ${version} is older than ${MINIMUM_DOCKER_VERSION}`, { code: 'DOCKER_TOO_OLD', hint: 'upgrade docker.io' });
    }
    return version;
  })();
  return checked;
}

/** Runs `docker ARGS` once the daemon's version was checked. */
export async function docker(args: readonly string[], options: ToolOptions = {}): Promise<ToolResult> {
  await dockerServerVersion();
  // The legacy builder: the CLI on PATH may have no buildx plugin, and the classic builder needs none.
  return runTool(DOCKER, args, { installHint: INSTALL_HINT, ...options, env: { DOCKER_BUILDKIT: '0', ...options.env } });
}

/** The image's id and labels, or null when no image has that name. */
export async function inspectImage(name: string): Promise<{ id: string; labels: Record<string, string> } | null> {
  try {
    const { stdout } = await docker(['image', 'inspect', '--format', '{{json .Id}} {{json .Config.Labels}}', name], { timeoutMs: 30_000 });
    const [id, labels] = stdout.split(' ', 2);
    return { id: JSON.parse(id ?? '""') as string, labels: (JSON.parse(labels ?? 'null') as Record<string, string> | null) ?? {} };
  } catch (error) {
    if (error instanceof ToolFailedError && /no such image/i.test(error.stderrTail.join(' '))) return null;
    throw error;
  }
}

function compareVersions(a: string, b: string): number {
  const parts = (text: string) => text.split(/[.+~-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
