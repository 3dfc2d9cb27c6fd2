// One build at a time per cache folder: a test and `npm run rig -- up` started together must
// not both link kube-apiserver (two links would need 4 GB and race on the same files).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from './process-state.ts';

export async function withBuildLock<T>(dir: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const lock = join(dir, 'build.lock');
  await mkdir(dir, { recursive: true });
  let waitingSaid = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      // A holder that died (or had not yet written its pid long ago) leaves a stale lock.
      if (!holder || !processAlive(holder)) {
        if (!holder) await sleep(500);
        const again = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
        if (!again || !processAlive(again)) await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!waitingSaid) log(`waiting for the build of process ${holder} to finish`);
      waitingSaid = true;
      await sleep(2000);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
