// sample-app: the reference application under test. Env: PORT, DATABASE_URL, APP_VERSION
// (plus the test-only variants described in config.mjs).
//
// Graceful shutdown on SIGTERM: /readyz turns 503 at once and every response says
// Connection: close, but the app keeps accepting and serving for a drain delay
// (SAMPLE_APP_DRAIN_MS): a load balancer takes a replica out at about the moment it sends SIGTERM,
// and a request it sent just before may not have been read yet. Then the listener closes, idle
// keep-alive connections are closed, requests in flight finish, the pg pool ends and the process
// exits 0. A deadline below the harness's 5 s grace period cuts stragglers off so the harness
// never has to kill us.
import http from 'node:http';
import pg from 'pg';
import { describeVariants, readConfig, SHUTDOWN_DEADLINE_MS } from './config.mjs';
import { HttpError, sendResponse } from './http-util.mjs';
import { describeError, log } from './log.mjs';
import { releaseFor } from './releases.mjs';
import { createRouter } from './routes.mjs';

let config;
let release;
try {
  config = readConfig();
  release = releaseFor(config.version, config.fault);
} catch (error) {
  log(`cannot start: ${describeError(error)}`);
  process.exit(1);
}

const pool = new pg.Pool({
  connectionString: config.databaseUrl,
  max: 5,
  connectionTimeoutMillis: 3000,
  idleTimeoutMillis: 10_000,
  // Without it a request could hang forever on a database that stopped answering.
  query_timeout: 5000,
});
// An idle client's connection can die (database restart); unhandled, that would crash us.
pool.on('error', (error) => log(`error: idle database connection: ${describeError(error)}`));

let shuttingDown = false;
// Counted only for the stop log line, which tells a reader what a stop interrupted.
let requestsInFlight = 0;
const route = createRouter({ config, release, pool, isShuttingDown: () => shuttingDown });

const server = http.createServer(async (req, res) => {
  requestsInFlight++;
  res.on('close', () => requestsInFlight--);
  let status;
  let body;
  try {
    [status, body] = await route(req);
  } catch (error) {
    if (error instanceof HttpError) {
      [status, body] = [error.status, { error: error.message }];
    } else {
      log(`error: ${req.method} ${req.url}: ${describeError(error)}`);
      [status, body] = [500, { error: describeError(error) }];
    }
  }
  // The client may have gone away (or an abrupt stop destroyed the socket) meanwhile.
  if (res.destroyed || res.writableEnded) return;
  sendResponse(res, status, body, { version: config.version, closing: shuttingDown });
});

function shutdownGracefully(signal) {
  log(`stopping on ${signal}, ${requestsInFlight} request(s) in flight; serving ${config.drainMs} ms more while the load balancer stops sending`);
  let forced = false;
  const deadline = setTimeout(() => {
    forced = true;
    log(`error: requests still open ${SHUTDOWN_DEADLINE_MS} ms after ${signal}; closing their connections`);
    server.closeAllConnections();
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  setTimeout(() => {
    log(`drained: no longer accepting, ${requestsInFlight} request(s) in flight`);
    server.close(async () => {
      clearTimeout(deadline);
      await pool.end().catch((error) => log(`error: closing database pool: ${describeError(error)}`));
      log(forced ? 'stopped (forced)' : 'stopped');
      process.exit(forced ? 1 : 0);
    });
    // Node >= 19 does this inside close(); Node 18 needs it said.
    server.closeIdleConnections();
  }, config.drainMs);
}

function onSignal(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (config.shutdown === 'abrupt') {
    log(`stopping abruptly on ${signal} (test variant), dropping ${requestsInFlight} request(s) in flight`);
    process.exit(143);
  }
  shutdownGracefully(signal);
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

server.on('error', (error) => {
  log(`cannot start: ${describeError(error)}`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  log(
    `${config.version} (release ${release.release}) listening on http://${config.host}:${config.port}, pid ${process.pid}` +
      describeVariants(config),
  );
});
