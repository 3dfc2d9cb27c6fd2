/// <reference types="k6" />
// A user's journey through the sample app, for the harness's k6 probe: read the list, write an
// item, read it back. k6 runs TypeScript natively (types are stripped, as in Node), so this file
// is passed to `k6 run` as it is; @types/k6 gives the editor and tsc the k6 modules' types.
// The harness runs: k6 run --out json=FILE -e BASE_URL=http://127.0.0.1:PORT -e TIMEOUT_MS=N journey.ts
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';

const BASE_URL = __ENV.BASE_URL ?? 'http://127.0.0.1:8080';
const TIMEOUT = `${__ENV.TIMEOUT_MS ?? '2000'}ms`;

export const options: Options = {
  // Runs until the harness stops it (SIGINT) at the end of the cell.
  scenarios: {
    journey: { executor: 'constant-vus', vus: 2, duration: '24h', gracefulStop: '2s' },
  },
};

export default function journey(): void {
  const list = http.get(`${BASE_URL}/items`, { timeout: TIMEOUT, tags: { name: 'GET /items' } });
  check(list, { 'list answers 200': (r) => r.status === 200 });

  // Unique per VU and iteration, so read-backs never find another run's item.
  const key = `k6-${exec.vu.idInTest}-${exec.scenario.iterationInTest}-${Date.now()}`;
  const written = http.post(`${BASE_URL}/items`, JSON.stringify({ key, value: `value of ${key}` }), {
    headers: { 'content-type': 'application/json' },
    timeout: TIMEOUT,
    tags: { name: 'POST /items' },
  });
  check(written, { 'write is acknowledged': (r) => r.status >= 200 && r.status < 300 });

  const read = http.get(`${BASE_URL}/items/${encodeURIComponent(key)}`, { timeout: TIMEOUT, tags: { name: 'GET /items/:key' } });
  check(read, { 'written item reads back': (r) => r.status === 200 && String(r.body).includes(key) });

  sleep(0.1);
}
