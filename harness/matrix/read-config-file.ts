// The bytes of a matrix or scenario file, refusing what is not one: a named pipe or a device
// (reading would wait for a writer forever), a folder, a file too large to be a configuration.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';

/**
 * Real matrices and scenarios are a few KiB; this bounds the parser's time and memory (a few
 * seconds at most). Not 1 MiB: a file of 400,000 keys (2.4 MB) must still be read, and answered.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

const PATH_HINT = 'check the path (it is relative to the current folder)';

export async function readConfigFile(file: string): Promise<Buffer> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a named pipe returns at once instead of waiting for a writer, so the
    // check below can refuse it. O_NOCTTY: a terminal (/dev/stdin) never becomes ours.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${openFailure(error as NodeJS.ErrnoException)}`, [], PATH_HINT);
  }
  try {
    // The opened file itself is checked (not the path again), so nothing can swap it in between.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ConfigError(`cannot read ${file}: it is ${kindOf(stats)}, not a regular file`, [], 'give the path of a YAML file');
    if (stats.size > MAX_CONFIG_BYTES) throw tooLarge(file, stats.size);
    const bytes = await readAtMost(handle, MAX_CONFIG_BYTES + 1);
    // A file that grew after stat, or one whose size the kernel does not report (/proc).
    if (bytes.length > MAX_CONFIG_BYTES) throw tooLarge(file, undefined);
    return bytes;
  } finally {
    await handle.close();
  }
}

async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit);
  let length = 0;
  while (length < limit) {
    const { bytesRead } = await handle.read(buffer, length, limit - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

/** `size` undefined: the file grew while it was read, or the kernel reports none. */
function tooLarge(file: string, size: number | undefined): ConfigError {
  const bytes = (count: number) => `${count.toLocaleString('en-US')} bytes`;
  const actual = size === undefined ? `larger than ${bytes(MAX_CONFIG_BYTES)}` : bytes(size);
  return new ConfigError(`cannot read ${file}: it is ${actual}; a matrix or scenario file may be at most ${MAX_CONFIG_BYTES / 1024 / 1024} MiB (${bytes(MAX_CONFIG_BYTES)})`, [], 'is this the right file? a matrix or a scenario is a few KiB of YAML');
}

function openFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links (a link that points back at itself?)';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENXIO':
      return 'it is a socket or a device nothing is attached to, not a regular file';
    default:
      return error.message;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
