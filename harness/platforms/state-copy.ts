import { cp, mkdir, rm } from 'node:fs/promises';

/**
 * Makes `to` an exact copy of the folder `from` (what was in `to` is gone): the snapshot of a
 * cell's data folder before an irreversible migration, and its restore. Run while no replica
 * writes to either, or between the app's own writes (files renamed into place stay whole).
 */
export async function copyState(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}
