// Usage: node app/migrate.mjs <pre|post> <targetVersion>   (env DATABASE_URL)
//        node app/migrate.mjs restore-name                  (the down-migration of the bad release drops-name)
//
// Applies, in version order, every pending migration of that kind whose version is at most the
// target, each in its own transaction together with its row in schema_migrations, so a run that
// dies half-way resumes where it stopped. Concurrent runs (two replicas starting at once) are
// serialized by an advisory lock. Exit 0 when done (also when nothing was pending), 1 when a
// migration failed, 2 on bad usage.
import pg from 'pg';
import { describeError, log } from './log.mjs';
import { migrations } from './migrations.mjs';
import { compareVersions, parseVersion } from './versions.mjs';

// Any constant works; it only has to be the same for every run against one database.
const MIGRATION_LOCK_KEY = 72_417_001;

class UsageError extends Error {}

function parseArguments(argv) {
  const [kind, target] = argv;
  if (kind === 'restore-name' && argv.length === 1) {
    if (!process.env.DATABASE_URL) throw new UsageError('DATABASE_URL is not set');
    return { kind, target: null };
  }
  if ((kind !== 'pre' && kind !== 'post') || !parseVersion(target) || argv.length !== 2) {
    throw new UsageError('usage: node app/migrate.mjs <pre|post> <targetVersion>  (e.g. pre 1.1.0)');
  }
  if (!process.env.DATABASE_URL) throw new UsageError('DATABASE_URL is not set');
  return { kind, target };
}

function pendingOf(kind, target, applied) {
  return migrations
    .filter((m) => m.kind === kind && compareVersions(m.version, target) <= 0 && !applied.has(m.id))
    .sort((a, b) => compareVersions(a.version, b.version));
}

async function apply(client, migration) {
  try {
    await client.query('begin');
    await client.query(migration.sql);
    await client.query('insert into schema_migrations (id, version, kind) values ($1, $2, $3)', [
      migration.id,
      migration.version,
      migration.kind,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw new Error(`migration ${migration.id} failed: ${describeError(error)}`);
  }
}

async function migrate(kind, target) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    // A migration stuck behind another session's lock would block every query queued behind it
    // (that is downtime); failing loudly is better.
    await client.query("set lock_timeout = '10s'");
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`create table if not exists schema_migrations (
      id text primary key,
      version text not null,
      kind text not null,
      applied_at timestamptz not null default now())`);
    const { rows } = await client.query('select id from schema_migrations');
    const applied = new Set(rows.map((row) => row.id));
    if (kind === 'post') {
      const missing = pendingOf('pre', target, applied);
      if (missing.length) {
        throw new Error(
          `pre-deployment migrations still pending (${missing.map((m) => m.id).join(', ')}); run "migrate pre ${target}" first`,
        );
      }
    }
    if (kind === 'restore-name') {
      // Back as 1.1.0 had it: nullable (2.0.0's pre migration) and filled from title.
      await client.query('alter table items add column if not exists name text; update items set name = title where name is null');
      log('migrate: restored items.name from title');
      return;
    }
    const pending = pendingOf(kind, target, applied);
    for (const migration of pending) {
      await apply(client, migration);
      log(`migrate: applied ${migration.id}`);
    }
    if (kind === 'pre' && process.env.SAMPLE_APP_FAULT === 'drops-name') {
      // The bad release's mistake: a contract step shipped as a pre-deployment migration.
      await client.query('alter table items drop column if exists name');
      log('migrate: dropped items.name (bad release drops-name)');
    }
    log(`migrate ${kind} ${target}: ${pending.length ? `${pending.length} applied` : 'nothing pending'}`);
  } finally {
    // Ending the session releases the advisory lock too; unlocking first is just tidier.
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}

try {
  const { kind, target } = parseArguments(process.argv.slice(2));
  await migrate(kind, target);
} catch (error) {
  process.stderr.write(`migrate: ${describeError(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
