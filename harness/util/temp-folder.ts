import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../errors.ts';

/** A new folder in TMPDIR; one that cannot be had is this machine's problem, said as such. */
export async function makeTempFolder(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix)).catch((cause: unknown) => {
    throw tempFolderError(cause);
  });
}

/** For any file or folder the harness needs in TMPDIR (work folders, run leases). */
export function tempFolderError(cause: unknown): InfrastructureError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'it is not writable'
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? 'the disk is full'
          : (cause as Error).message;
  return new InfrastructureError(`cannot create a temporary folder or file in ${tmpdir()}: ${why}`, {
    code: 'TEMP_FOLDER',
    hint: 'set TMPDIR to a writable folder with free space',
    cause,
  });
}
