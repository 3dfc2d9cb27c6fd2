// What the kernel says about CPU starvation, read from /proc and the cgroup filesystem (Linux).
// Each reader returns a cumulative counter, or null where the machine does not offer it.
import { readFile } from 'node:fs/promises';

/** Microseconds this process's cgroup was throttled by its CPU quota (v2 throttled_usec, v1 throttled_time in ns). */
export async function cgroupThrottledUs(): Promise<number | null> {
  const path = await cpuCgroupStatPath();
  if (!path) return null;
  const stat = await readFile(path, 'utf8').catch(() => null);
  if (!stat) return null;
  const v2 = /^throttled_usec (\d+)$/m.exec(stat);
  if (v2) return Number(v2[1]);
  const v1 = /^throttled_time (\d+)$/m.exec(stat);
  return v1 ? Number(v1[1]) / 1000 : null;
}

let statPath: Promise<string | null> | undefined;

/** /proc/self/cgroup names the cgroup: v2 "0::/path", v1 "N:cpu,cpuacct:/path". */
function cpuCgroupStatPath(): Promise<string | null> {
  statPath ??= (async () => {
    const lines = (await readFile('/proc/self/cgroup', 'utf8').catch(() => '')).split('\n');
    const v1 = lines.map((line) => line.split(':')).find(([, controllers]) => controllers?.split(',').includes('cpu'));
    if (v1?.[2] !== undefined) {
      for (const mount of ['/sys/fs/cgroup/cpu,cpuacct', '/sys/fs/cgroup/cpu']) {
        const path = `${mount}${v1[2]}/cpu.stat`;
        if (await readFile(path).then(() => true, () => false)) return path;
      }
    }
    const v2 = lines.find((line) => line.startsWith('0::'));
    if (v2) {
      const path = `/sys/fs/cgroup${v2.slice(3)}/cpu.stat`;
      if (await readFile(path).then(() => true, () => false)) return path;
    }
    return null;
  })();
  return statPath;
}

/** Microseconds some task waited for a CPU (PSI, /proc/pressure/cpu "some total"). Machine-wide: context, not proof. */
export async function cpuPressureUs(): Promise<number | null> {
  const text = await readFile('/proc/pressure/cpu', 'utf8').catch(() => null);
  const match = text ? /^some .*total=(\d+)/m.exec(text) : null;
  return match ? Number(match[1]) : null;
}

/** Clock ticks stolen by the hypervisor, and all ticks, over all CPUs (/proc/stat "cpu" line). */
export async function cpuStealTicks(): Promise<{ steal: number; total: number } | null> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => null);
  const fields = text?.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 8) return null;
  return { steal: fields[7] ?? 0, total: fields.reduce((sum, value) => sum + value, 0) };
}
