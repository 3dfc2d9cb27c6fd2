// A database's password: random per database and run, kept in the URL the cell uses, and on disk
// only in the cell's own folder, mode 0600, in the pgpass format psql reads (PGPASSFILE=...).
// Anything printed shows the URL masked and where that file is.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function newDatabasePassword(): string {
  return randomBytes(18).toString('base64url');
}

export const maskUrl = (url: string): string => url.replace(/:[^:@/]*@/, ':***@');

/** Writes DIR/database.pgpass (host:port:database:user:password) for a person who connects while the environment is kept. */
export async function writePasswordFile(dir: string, url: string): Promise<string> {
  const { hostname, port, pathname, username, password } = new URL(url);
  const file = join(dir, 'database.pgpass');
  await writeFile(file, `${hostname}:${port}:${pathname.slice(1)}:${decodeURIComponent(username)}:${decodeURIComponent(password)}\n`, { mode: 0o600 });
  return file;
}

/** The line `run --keep` prints for a database. */
export const describeDatabase = (url: string, passwordFile: string): string => `database    ${maskUrl(url)} (password: PGPASSFILE=${passwordFile})`;
