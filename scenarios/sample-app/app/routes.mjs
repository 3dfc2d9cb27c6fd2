// The endpoints. Each handler returns [status, body]; server.mjs writes it.
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, readJsonBody } from './http-util.mjs';
import { createPages } from './pages.mjs';

const UNIQUE_VIOLATION = '23505';
/** errors-under-load serves this many reads cleanly first, as a bad release passes its smoke test. */
const WARM_READS = 30;

/**
 * @param {{ config: ReturnType<typeof import('./config.mjs').readConfig>,
 *           release: ReturnType<typeof import('./releases.mjs').releaseFor>,
 *           pool: import('pg').Pool, isShuttingDown: () => boolean }} app
 */
export function createRouter({ config, release, pool, isShuttingDown }) {
  async function ready() {
    if (isShuttingDown()) return [503, { status: 'shutting down' }];
    if (config.fault === 'never-ready') return [503, { status: 'still loading its caches' }];
    try {
      // A short timeout: a probe that hangs tells the load balancer nothing.
      await pool.query({ text: 'select 1', query_timeout: 2000 });
      return [200, { status: 'ready' }];
    } catch (error) {
      return [503, { status: 'database unavailable' }];
    }
  }

  async function createItem(req) {
    const body = await readJsonBody(req);
    const { key, value } = body ?? {};
    if (typeof key !== 'string' || key === '' || typeof value !== 'string') {
      throw new HttpError(400, 'body must be {"key": non-empty string, "value": string}');
    }
    if (config.loseWrites) return [201, { key, value }];
    try {
      await release.insert(pool, key, value);
    } catch (error) {
      if (error.code === UNIQUE_VIOLATION) throw new HttpError(409, `key ${key} exists`);
      throw error;
    }
    return [201, { key, value }];
  }

  const page = createPages({ release, pool });
  let reads = 0;

  /** @returns {Promise<[number, unknown]>} */
  return async function route(req) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const answered = await page(req, path);
    if (answered) return answered;
    const get = req.method === 'GET';
    if (get && path === '/healthz') return [200, { status: 'ok' }];
    if (get && path === '/readyz') return ready();
    if (get && path === '/version') return [200, { version: config.version }];
    if (get && path === '/items') {
      if (config.readDelayMs) await sleep(config.readDelayMs);
      if (config.fault === 'errors-under-load' && ++reads > WARM_READS && reads % 3 === 0) throw new HttpError(500, 'database pool exhausted: too many clients waiting');
      return [200, await release.latest(pool)];
    }
    if (req.method === 'POST' && path === '/items') return createItem(req);
    if (get && path.startsWith('/items/') && path.length > '/items/'.length) {
      let key;
      try {
        key = decodeURIComponent(path.slice('/items/'.length));
      } catch {
        throw new HttpError(400, 'key is not valid percent-encoding');
      }
      const item = await release.get(pool, key);
      return item ? [200, item] : [404, { error: `no item ${key}` }];
    }
    return [404, { error: `no route ${req.method} ${path}` }];
  };
}
