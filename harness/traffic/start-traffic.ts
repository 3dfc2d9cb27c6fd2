import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.ts';
import type { HttpEndpoint } from '../matrix/cell.ts';
import { classifyError, classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';
import { RecordStore } from './record-store.ts';

export interface TrafficOptions {
  baseUrl: string;
  endpoint: HttpEndpoint;
  /** Requests per second. */
  rate: number;
  timeoutMs: number;
}

export interface TrafficStats {
  /** Completed requests (recorded). */
  requests: number;
  failures: number;
  /** Sent and not yet answered. */
  inFlight: number;
}

/** Started traffic; disposing it stops it (`await using traffic = startTraffic(...)`). */
export interface RunningTraffic extends AsyncDisposable {
  readonly records: RecordStore;
  stats(): TrafficStats;
  /** Schedules nothing more and waits for requests in flight (each bounded by its timeout). */
  stop(): Promise<RecordStore>;
}

const TIMEOUT = outcomeCode('timeout');
const RESET = outcomeCode('reset');

/**
 * Open-loop traffic: request i leaves at t0 + i * 1000 / rate however slowly earlier ones
 * answer, so a stalled server shows up as failures and latency rather than as fewer requests
 * (no coordinated omission). When the event loop wakes late, every request that is due leaves
 * at once and both the scheduled and the actual send time are recorded.
 */
export function startTraffic(options: TrafficOptions): RunningTraffic {
  const target = resolveTarget(options);
  const intervalMs = 1000 / options.rate;
  const records = new RecordStore();
  const agent = new target.client.Agent({ keepAlive: true });
  const requestOptions: http.RequestOptions = {
    agent,
    protocol: target.url.protocol,
    hostname: target.url.hostname,
    port: target.url.port,
    path: target.path,
    method: options.endpoint.method,
    // A body-less POST/PUT still states its length so that keep-alive framing stays valid.
    headers: options.endpoint.method === 'GET' || options.endpoint.method === 'DELETE' ? {} : { 'content-length': '0' },
  };

  const t0 = performance.now();
  let next = 0;
  let failures = 0;
  let inFlight = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let drained: (() => void) | undefined;

  const finish = (scheduledMs: number, sentMs: number, outcome: number, status: number, version: string | null): void => {
    records.push(scheduledMs, sentMs, performance.now() - sentMs, outcome, status, version);
    if (outcome !== OUTCOME_OK) failures++;
    inFlight--;
    if (inFlight === 0 && drained) drained();
  };

  const send = (scheduledMs: number): void => {
    const sentMs = performance.now();
    let status = 0;
    let version: string | null = null;
    let timedOut = false;
    let done = false;
    inFlight++;
    const request = target.client.request(requestOptions, (response) => {
      status = response.statusCode ?? 0;
      const header = response.headers['x-app-version'];
      version = typeof header === 'string' ? header : null;
      // Latency ends with the last byte of the body, which is read and discarded.
      response.on('end', () => complete(classifyStatus(status)));
      response.on('error', failed);
      // A body cut short closes without 'end' (and, depending on the cut, without 'error').
      response.on('close', () => complete(timedOut ? TIMEOUT : RESET));
      response.resume();
    });
    const deadline = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    function failed(error: unknown): void {
      complete(timedOut ? TIMEOUT : classifyError(error));
    }
    function complete(outcome: number): void {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      finish(scheduledMs, sentMs, outcome, status, version);
    }
    request.on('error', failed);
    request.end();
  };

  const tick = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = performance.now();
    let due = t0 + next * intervalMs;
    while (due <= now) {
      send(due);
      next++;
      due = t0 + next * intervalMs;
    }
    timer = setTimeout(tick, Math.max(0, due - performance.now()));
  };
  tick();

  let stopping: Promise<RecordStore> | undefined;
  const stop = (): Promise<RecordStore> => {
    stopping ??= (async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      agent.destroy();
      return records;
    })();
    return stopping;
  };
  return {
    records,
    stats: () => ({ requests: records.length, failures, inFlight }),
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

interface Target {
  url: URL;
  path: string;
  client: typeof http | typeof https;
}

function resolveTarget(options: TrafficOptions): Target {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new ConfigError(`traffic target "${options.baseUrl}" is not a URL`, [], 'give an absolute http:// URL such as http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`traffic target "${options.baseUrl}" is not http(s)`, [], 'give an http:// or https:// URL');
  }
  if (!(options.rate > 0) || !Number.isFinite(options.rate)) {
    throw new ConfigError(`traffic rate must be a positive number of requests per second, got ${options.rate}`, [], 'set traffic.rate, e.g. 200');
  }
  if (!(options.timeoutMs > 0)) {
    throw new ConfigError(`traffic timeout must be positive, got ${options.timeoutMs} ms`, [], 'set traffic.timeoutMs, e.g. 2000');
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  const endpointPath = options.endpoint.path.startsWith('/') ? options.endpoint.path : `/${options.endpoint.path}`;
  return { url, path: basePath + endpointPath, client: url.protocol === 'https:' ? https : http };
}
