import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether an executable of that name is on PATH (without running it). */
export async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
