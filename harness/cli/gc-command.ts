import { killOrphanedProcesses, removeOrphanedWorkDirs } from '../runner/leftovers.ts';

/** `upgrade-harness gc`: removes what killed runs left behind, found by their labels. */
export async function gcCommand(): Promise<number> {
  const processes = await killOrphanedProcesses();
  const folders = await removeOrphanedWorkDirs();
  process.stdout.write(`gc: ${processes} processes and ${folders} temporary folders of finished runs removed\n`);
  return 0;
}
