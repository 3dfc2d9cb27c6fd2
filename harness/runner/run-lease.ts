// A run's lease: a file in TMPDIR the run touches every 2 s while it lives. `gc` judges a run gone
// when its lease is missing or stale. A pid alone means nothing in another PID namespace (gc run
// from a container or another CI job) and may have been reused; so only a gc in the run's own PID
// namespace looks at the pid, and then with the process's start time, which a reused pid does not
// share. Resources also carry the host that made them, and gc only ever collects its own host's.
import { readdir, readFile, readlink, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempFolderError } from '../util/temp-folder.ts';

const RENEW_MS = 2000;
/** A lease not renewed for this long belongs to a run that is gone (killed, crashed, frozen). */
export const LEASE_TTL_MS = 15_000;
const SUFFIX = '.lease';
export const LEASE_PREFIX = 'upgrade-harness-run-';

const leaseFile = (runId: string) => join(tmpdir(), `${LEASE_PREFIX}${runId}${SUFFIX}`);

/** The name gc compares with a resource's host label. */
export const thisHost = (): string => hostname();

export interface Lease {
  runId: string;
  pid: number;
  host: string;
  /** /proc/self/ns/pid of the run, e.g. "pid:[4026531836]". */
  pidNamespace: string | null;
  /** The run's start time in clock ticks since boot (/proc/PID/stat field 22). */
  startTicks: string | null;
  /** When the lease was taken (ISO 8601), for messages naming the run. */
  startedAt?: string;
}

const pidNamespace = () => readlink('/proc/self/ns/pid').catch(() => null);
const startTicks = (pid: number | 'self') =>
  readFile(`/proc/${pid}/stat`, 'utf8').then((text) => text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? null, () => null);

export function holdRunLease(runId: string): Promise<AsyncDisposable> {
  return holdLease(leaseFile(runId), runId).catch((cause: unknown) => {
    throw tempFolderError(cause);
  });
}

/**
 * A lease in any file, renewed while this process lives. `exclusive`: fails with EEXIST when the
 * file exists (the out-folder lock). A reader that finds it half written sees a fresh file: alive.
 */
export async function holdLease(file: string, runId: string, options: { exclusive?: boolean } = {}): Promise<AsyncDisposable> {
  const lease: Lease = { runId, pid: process.pid, host: thisHost(), pidNamespace: await pidNamespace(), startTicks: await startTicks('self'), startedAt: new Date().toISOString() };
  await writeFile(file, JSON.stringify(lease), { flag: options.exclusive ? 'wx' : 'w' });
  const timer = setInterval(() => {
    const now = new Date();
    void utimes(file, now, now).catch(() => undefined);
  }, RENEW_MS);
  timer.unref();
  return {
    async [Symbol.asyncDispose]() {
      clearInterval(timer);
      await rm(file, { force: true });
    },
  };
}

export function readLease(file: string): Promise<Lease | null> {
  return readFile(file, 'utf8').then((text) => JSON.parse(text) as Lease, () => null);
}

/** Whether the run holding the lease in `file` is alive (see the header for how it is judged). */
export async function leaseIsAlive(file: string): Promise<boolean> {
  return isAlive(file, await pidNamespace());
}

/** Run ids of the runs that are alive. */
export async function liveRunIds(): Promise<Set<string>> {
  const live = new Set<string>();
  const ours = await pidNamespace();
  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!entry.startsWith(LEASE_PREFIX) || !entry.endsWith(SUFFIX)) continue;
    if (await isAlive(join(tmpdir(), entry), ours)) live.add(entry.slice(LEASE_PREFIX.length, -SUFFIX.length));
  }
  return live;
}

async function isAlive(file: string, ourNamespace: string | null): Promise<boolean> {
  const lease = await readLease(file);
  // Where we can see the run's process, it is the answer, at once (a SIGKILLed run is gone now).
  if (lease && lease.host === thisHost() && lease.pidNamespace !== null && lease.pidNamespace === ourNamespace && lease.startTicks !== null) {
    return (await startTicks(lease.pid)) === lease.startTicks;
  }
  const modified = await stat(file).then((info) => info.mtimeMs, () => 0);
  return Date.now() - modified < LEASE_TTL_MS;
}

/** Leases of runs that are gone (their run could not remove them); how many. */
export async function removeStaleLeases(live: Set<string>): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!entry.startsWith(LEASE_PREFIX) || !entry.endsWith(SUFFIX)) continue;
    if (live.has(entry.slice(LEASE_PREFIX.length, -SUFFIX.length))) continue;
    await rm(join(tmpdir(), entry), { force: true });
    removed++;
  }
  return removed;
}
