// A CPU quota for a command, as a CI pod's CPU limit imposes one: a child cgroup allowed `share` of
// one CPU (CFS quota; cgroup v1 cpu controller or v2 cpu.max). Null where this machine has no
// cgroup we may write.
import { existsSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';

export interface CpuQuota extends AsyncDisposable {
  /** Write a pid here to put it (and its future children) under the quota. */
  procsFile: string;
}

const PERIOD_US = 100_000;

export async function cpuQuota(name: string, share: number): Promise<CpuQuota | null> {
  const quotaUs = Math.round(PERIOD_US * share);
  const candidates = [
    { dir: `/sys/fs/cgroup/cpu/${name}`, ok: existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'), write: async (dir: string) => {
      await writeFile(`${dir}/cpu.cfs_period_us`, String(PERIOD_US));
      await writeFile(`${dir}/cpu.cfs_quota_us`, String(quotaUs));
    } },
    { dir: `/sys/fs/cgroup/${name}`, ok: existsSync('/sys/fs/cgroup/cgroup.controllers'), write: (dir: string) => writeFile(`${dir}/cpu.max`, `${quotaUs} ${PERIOD_US}`) },
  ];
  for (const candidate of candidates.filter((c) => c.ok)) {
    try {
      await mkdir(candidate.dir, { recursive: true });
      await candidate.write(candidate.dir);
      return {
        procsFile: `${candidate.dir}/cgroup.procs`,
        // Removable once its processes are gone (the command finished).
        [Symbol.asyncDispose]: () => rmdir(candidate.dir).catch(() => undefined),
      };
    } catch {
      await rmdir(candidate.dir).catch(() => undefined);
    }
  }
  return null;
}
