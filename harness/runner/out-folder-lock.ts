// One run per out folder: two runs writing results.json, requests.csv and the reports into one
// folder would interleave them. The lock is a run lease (run-lease.ts) inside the folder, so a
// lock whose run is gone (killed, crashed) is known for one at once and taken over.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { link, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, InfrastructureError } from '../errors.ts';
import { holdLease, leaseIsAlive, readLease, type Lease } from './run-lease.ts';

export const LOCK_FILE = '.upgrade-harness-run.lock';

/** Holds `outDir` for this run until disposed (or the process exits); refuses a folder a live run holds. */
export async function lockOutFolder(outDir: string, runId: string): Promise<AsyncDisposable> {
  await mkdir(outDir, { recursive: true }).catch((cause: unknown) => {
    throw unusable(outDir, cause);
  });
  const file = join(outDir, LOCK_FILE);
  // A few rounds: a stale lock removed here may be taken by a third run before this one gets it.
  for (let round = 0; round < 3; round++) {
    const lease = await holdLease(file, runId, { exclusive: true }).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'EEXIST') return undefined;
      throw unusable(outDir, cause);
    });
    if (lease) return releasedOnExit(file, lease);
    const holder = await readLease(file);
    if (await leaseIsAlive(file)) throw inUse(outDir, holder);
    await removeStale(file, holder);
  }
  throw new InfrastructureError(`could not lock ${outDir}: other runs took it each time it was free`, { code: 'OUT_FOLDER_CONTENDED', hint: 'give each run its own --out' });
}

/**
 * Removes the stale lock, and only it: moved aside first (atomic), so a run that took the folder
 * meanwhile keeps its lock; if what was moved is not the stale one, it goes back.
 */
async function removeStale(file: string, stale: Lease | null): Promise<void> {
  const aside = `${file}.stale-${randomBytes(4).toString('hex')}`;
  const moved = await rename(file, aside).then(() => true, () => false);
  if (!moved) return;
  const taken = await readLease(aside);
  // link, not rename: it fails rather than replace a lock yet another run took in between.
  if (stale && taken && taken.runId !== stale.runId) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Double Ctrl-C exits without teardown: the lock still goes, so the folder is free at once. */
function releasedOnExit(file: string, lease: AsyncDisposable): AsyncDisposable {
  const onExit = () => rmSync(file, { force: true });
  process.once('exit', onExit);
  return {
    async [Symbol.asyncDispose]() {
      process.off('exit', onExit);
      await lease[Symbol.asyncDispose]();
    },
  };
}

function inUse(outDir: string, holder: Lease | null): ConfigError {
  const who = holder
    ? `run ${holder.runId} (pid ${holder.pid} on ${holder.host}${holder.startedAt ? `, started ${holder.startedAt}` : ''})`
    : 'a run that is starting';
  return new ConfigError(`--out ${outDir} is in use by ${who}`, [], 'wait for that run to finish, or give this one another --out');
}

/** --out names something that cannot be this run's folder: a usage error, found before anything starts. */
function unusable(outDir: string, cause: unknown): ConfigError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR' ? 'it, or a folder above it, is a file' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'it is not writable' : (cause as Error).message;
  return new ConfigError(`cannot use --out ${outDir}: ${why}`, [], 'give a folder this user can write to (it is created if missing)');
}
