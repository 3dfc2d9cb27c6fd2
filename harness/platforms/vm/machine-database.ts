// PostgreSQL from Debian's package on a machine of the fleet: the database machine of a
// multi-node fleet, or the app machine itself for an in-place upgrade (as Omnibus bundles one).
// The harness creates the app's role and database with a random password, takes a backup before
// an upgrade whose migrations cannot be undone, and restores it on the way back.
import { randomBytes } from 'node:crypto';
import { InfrastructureError } from '../../errors.ts';
import { mustRun, type Machine } from './machine.ts';

const DATABASE = 'app';
const ROLE = 'app';
// In the postgres user's home: pg_dump runs as that user.
const BACKUP = '/var/lib/postgresql/upgrade-harness-before-upgrade.dump';
const READY_TIMEOUT_MS = 60_000;

export interface MachineDatabase {
  readonly machine: Machine;
  /** The URL the app machines use (the password masked nowhere here: it goes into 0600 files only). */
  urlFrom(machine: Machine): string;
  /** pid and start time of the server: changes when it restarts. */
  identity(): Promise<string>;
  backup(): Promise<void>;
  restore(): Promise<void>;
  /** Drops the app's database and role, and stops the server: for machines that outlive the cell. */
  forget(): Promise<void>;
}

export async function startMachineDatabase(machine: Machine, options: { remote: boolean }): Promise<MachineDatabase> {
  const password = randomBytes(18).toString('base64url');
  if (options.remote) {
    // The app nodes reach it over the fleet's private network; scram passwords, never trust.
    await mustRun(machine, ['sh', '-c', `echo "listen_addresses = '*'" > /etc/postgresql/15/main/conf.d/upgrade-harness.conf && echo 'host all all 0.0.0.0/0 scram-sha-256' >> /etc/postgresql/15/main/pg_hba.conf`]);
  }
  await mustRun(machine, ['systemctl', 'enable', '--now', 'postgresql@15-main']);
  await waitAccepting(machine);
  await psql(machine, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${password}'; CREATE DATABASE ${DATABASE} OWNER ${ROLE};`);
  return {
    machine,
    urlFrom: (client) => `postgres://${ROLE}:${password}@${client === machine ? '127.0.0.1' : machine.address}:5432/${DATABASE}`,
    identity: async () => {
      const shown = await mustRun(machine, ['systemctl', 'show', '-p', 'MainPID', '-p', 'ExecMainStartTimestamp', 'postgresql@15-main']);
      return `${machine.name} postgresql ${shown.stdout.trim().replace(/\n/g, ' ')}`;
    },
    backup: async () => {
      await mustRun(machine, ['runuser', '-u', 'postgres', '--', 'pg_dump', '--format=custom', `--file=${BACKUP}`, DATABASE]).catch(rethrowAs('backup'));
    },
    restore: async () => {
      // Sessions of the app are gone (its services are stopped); a fresh database, then the backup into it.
      await psql(machine, `DROP DATABASE ${DATABASE} WITH (FORCE); CREATE DATABASE ${DATABASE} OWNER ${ROLE};`);
      await mustRun(machine, ['runuser', '-u', 'postgres', '--', 'pg_restore', '--exit-on-error', `--dbname=${DATABASE}`, '--role', ROLE, BACKUP]).catch(rethrowAs('restore'));
    },
    forget: async () => {
      await psql(machine, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE); DROP ROLE IF EXISTS ${ROLE};`);
      await machine.exec(['rm', '-f', BACKUP]);
    },
  };
}

async function psql(machine: Machine, sql: string): Promise<void> {
  // One statement per -c: CREATE DATABASE cannot run inside the implicit transaction of a multi-statement string.
  const statements = sql.split(';').map((statement) => statement.trim()).filter(Boolean);
  await mustRun(machine, ['runuser', '-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-q', ...statements.flatMap((statement) => ['-c', statement])]);
}

async function waitAccepting(machine: Machine): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const ready = await machine.exec(['pg_isready', '-q']);
    if (ready.exitCode === 0) return;
    if (Date.now() > deadline) throw new InfrastructureError(`PostgreSQL on ${machine.name} did not accept connections within ${READY_TIMEOUT_MS / 1000} s`, { code: 'DATABASE_START', hint: `see ${machine.name}'s journal in the cell logs` });
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function rethrowAs(what: string): (error: Error) => never {
  return (error) => {
    throw new InfrastructureError(`database ${what} failed: ${error.message}`, { code: `DATABASE_${what.toUpperCase()}`, cause: error });
  };
}
