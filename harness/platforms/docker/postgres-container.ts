import { join } from 'node:path';
import pg from 'pg';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { InfrastructureError } from '../../errors.ts';
import { logTail } from '../../util/log-tail.ts';
import { waitFor } from '../../util/wait-for.ts';
import { containerIdentity, logTo, startedOnly } from './container-support.ts';
import { newDatabasePassword } from '../database-secret.ts';
import { POSTGRES_IMAGE } from './image-names.ts';
import { LOOPBACK, LoopbackContainer } from './loopback-container.ts';

export const DATABASE_ALIAS = 'database';
const USER = 'postgres';
const DATABASE = 'app';
const PORT = 5432;

export interface StartedPostgres extends AsyncDisposable {
  /** For containers on the cell network. */
  readonly networkUrl: string;
  /** On the host, through a port published on 127.0.0.1. */
  readonly hostUrl: string;
  readonly container: StartedTestContainer;
  identity(): Promise<string>;
  /** pg_dump of the database, kept in the container, for a rollback that restores it. */
  backup(): Promise<void>;
  /** Replaces the database with the last backup; no client may be connected. */
  restore(): Promise<void>;
}

const BACKUP_FILE = '/tmp/upgrade-harness-snapshot.dump';

/**
 * PostgreSQL in a container on the cell network (alias `database`). Its data lives on a tmpfs:
 * nothing outlives the cell, and no volume is ever created. Any image that honours the official
 * image's POSTGRES_* variables works (`database.image` in the scenario).
 */
export async function startPostgres(options: {
  network: StartedNetwork;
  labels: Record<string, string>;
  logDir: string;
  image?: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<StartedPostgres> {
  const logFile = join(options.logDir, 'postgres.log');
  const PASSWORD = newDatabasePassword();
  const container = await new LoopbackContainer(options.image ?? POSTGRES_IMAGE)
    .withNetwork(options.network)
    .withNetworkAliases(DATABASE_ALIAS)
    .withEnvironment({ POSTGRES_USER: USER, POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: DATABASE })
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withCommand(['-c', 'fsync=off', '-c', 'max_connections=200'])
    .withExposedPorts(PORT)
    .withLabels(options.labels)
    .withLogConsumer(logTo(logFile))
    .withWaitStrategy(startedOnly())
    .start();
  const hostUrl = `postgres://${USER}:${PASSWORD}@${LOOPBACK}:${container.getMappedPort(PORT)}/${DATABASE}`;
  const stop = async () => {
    await container.stop({ timeout: 5000, removeVolumes: true });
  };
  try {
    await waitFor(() => answers(hostUrl), {
      what: `PostgreSQL in container ${container.getId().slice(0, 12)} to accept connections`,
      timeoutMs: options.timeoutMs,
      intervalMs: 100,
      signal: options.signal,
      logTail: () => logTail(logFile),
    });
  } catch (cause) {
    await stop();
    if (options.signal.aborted) throw cause;
    throw new InfrastructureError(`PostgreSQL did not start: ${cause instanceof Error ? cause.message : String(cause)}`, { code: 'DATABASE_START', hint: `see ${logFile}`, cause });
  }
  return {
    networkUrl: `postgres://${USER}:${PASSWORD}@${DATABASE_ALIAS}:${PORT}/${DATABASE}`,
    hostUrl,
    container,
    identity: () => containerIdentity(container.getId()),
    backup: () => execOrThrow(container, 'backup', ['pg_dump', '-U', USER, '--format=custom', `--file=${BACKUP_FILE}`, DATABASE]),
    restore: async () => {
      await execOrThrow(container, 'restore', ['psql', '-U', USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`, '-c', `CREATE DATABASE ${DATABASE}`]);
      await execOrThrow(container, 'restore', ['pg_restore', '-U', USER, '--exit-on-error', `--dbname=${DATABASE}`, BACKUP_FILE]);
    },
    [Symbol.asyncDispose]: stop,
  };
}

async function execOrThrow(container: StartedTestContainer, what: string, command: string[]): Promise<void> {
  const result = await container.exec(command);
  if (result.exitCode !== 0) {
    throw new InfrastructureError(`database ${what} failed: ${command[0]} exited with ${result.exitCode}: ${result.output.trim().split('\n').slice(-3).join(' | ')}`, { code: 'DATABASE_SNAPSHOT' });
  }
}

/** A real login and query: the official image's first start runs a temporary server on a socket only, so this sees the real one. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}
