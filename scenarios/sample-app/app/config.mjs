// Reads the environment once, failing fast with a message that names the variable.
//
// SAMPLE_APP_DRAIN_MS (default 300): after SIGTERM the app keeps serving this long before it stops
// accepting, so requests a load balancer sent just before it took the replica out still land
// (the practice taught for Kubernetes: a preStop sleep, or a drain delay in the app).
//
// Test-only variants (never on by default; the harness's own tests use them to prove it notices
// misbehaving applications):
//   SAMPLE_APP_SHUTDOWN=abrupt   on SIGTERM exit at once, dropping requests in flight
//   SAMPLE_APP_READ_DELAY_MS=N   GET /items waits N ms before answering (keeps requests in flight)
//   SAMPLE_APP_LOSE_WRITES=1     POST /items answers 201 but never stores the row
//   SAMPLE_APP_FAULT=...         a bad release, as real incidents look (scenarios/sample-app/bad-releases.yaml):
//     never-ready                /readyz never answers 200
//     errors-under-load          once warm, 1 in 3 reads fails with 500 (a pool too small for the load)
//     drops-name                 reads and writes title only, and its pre-deployment migration drops
//                                items.name, which the previous release still reads (mixed versions break)
import { parseVersion } from './versions.mjs';

/** Stragglers are cut off this long after SIGTERM: below the harness's 5 s grace, so it never has to kill us. */
export const SHUTDOWN_DEADLINE_MS = 4000;
const DEFAULT_DRAIN_MS = 300;
export const FAULTS = ['never-ready', 'errors-under-load', 'drops-name'];

export function readConfig(env = process.env) {
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT "${env.PORT ?? ''}" is not a TCP port`);
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  if (!parseVersion(env.APP_VERSION)) throw new Error(`APP_VERSION "${env.APP_VERSION ?? ''}" is not a version like 1.0.0`);
  const shutdown = env.SAMPLE_APP_SHUTDOWN || 'graceful';
  if (shutdown !== 'graceful' && shutdown !== 'abrupt') {
    throw new Error(`SAMPLE_APP_SHUTDOWN "${shutdown}" must be graceful or abrupt`);
  }
  const readDelayMs = Number(env.SAMPLE_APP_READ_DELAY_MS || 0);
  if (!Number.isInteger(readDelayMs) || readDelayMs < 0) {
    throw new Error(`SAMPLE_APP_READ_DELAY_MS "${env.SAMPLE_APP_READ_DELAY_MS}" must be a whole number of milliseconds`);
  }
  const fault = env.SAMPLE_APP_FAULT || null;
  if (fault !== null && !FAULTS.includes(fault)) throw new Error(`SAMPLE_APP_FAULT "${fault}" must be one of ${FAULTS.join(', ')}`);
  const drainMs = Number(env.SAMPLE_APP_DRAIN_MS || DEFAULT_DRAIN_MS);
  // The drain counts against the shutdown deadline; in-flight requests need time after it.
  if (!Number.isInteger(drainMs) || drainMs < 0 || drainMs > SHUTDOWN_DEADLINE_MS - 1000) {
    throw new Error(`SAMPLE_APP_DRAIN_MS "${env.SAMPLE_APP_DRAIN_MS}" must be a whole number of milliseconds from 0 to ${SHUTDOWN_DEADLINE_MS - 1000}`);
  }
  return {
    // 127.0.0.1 unless told otherwise: a container must listen on its own interface instead.
    host: env.HOST || '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL,
    version: env.APP_VERSION.trim(),
    shutdown,
    drainMs,
    readDelayMs,
    loseWrites: env.SAMPLE_APP_LOSE_WRITES === '1',
    fault,
  };
}

/** The variants switched on, for the start log line; empty in normal use. */
export function describeVariants(config) {
  const on = [];
  if (config.shutdown === 'abrupt') on.push('abrupt shutdown');
  if (config.readDelayMs) on.push(`read delay ${config.readDelayMs} ms`);
  if (config.loseWrites) on.push('LOSES WRITES');
  if (config.fault) on.push(`bad release: ${config.fault}`);
  return on.length ? ` [test variants: ${on.join(', ')}]` : '';
}
