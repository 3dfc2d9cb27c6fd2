import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.ts';
import type { HttpEndpoint } from '../matrix/cell.ts';
import { classifyError, classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';
import { openLoop } from './open-loop.ts';
import type { RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';
import { servingVersion } from './serving-version.ts';

export interface HttpProbeOptions {
  baseUrl: string;
  endpoint: HttpEndpoint;
  /** Requests per second. */
  rate: number;
  timeoutMs: number;
  /**
   * A fresh TCP connection per request (probe `http-new-connection`): catches a listener that
   * closed while old keep-alive connections still drain, which reused connections hide.
   */
  newConnectionPerRequest?: boolean;
  /** Probe name in results (default `http`, or `http-new-connection`). */
  name?: string;
}

const TIMEOUT = outcomeCode('timeout');
const RESET = outcomeCode('reset');

/** Open-loop HTTP requests to one endpoint, over keep-alive connections unless asked otherwise. */
export function startHttpProbe(options: HttpProbeOptions): RunningProbe {
  const target = resolveTarget(options);
  const records = new RecordStore();
  const fresh = options.newConnectionPerRequest === true;
  const agent = new target.client.Agent({ keepAlive: !fresh });
  const headers: http.OutgoingHttpHeaders = options.endpoint.method === 'GET' || options.endpoint.method === 'DELETE' ? {} : { 'content-length': '0' };
  if (fresh) headers['connection'] = 'close';
  const requestOptions: http.RequestOptions = {
    // agent: false gives every request its own socket, closed after the answer.
    agent: fresh ? false : agent,
    protocol: target.url.protocol,
    hostname: target.url.hostname,
    port: target.url.port,
    path: target.path,
    method: options.endpoint.method,
    // A body-less POST/PUT still states its length so that keep-alive framing stays valid.
    headers,
  };

  let failures = 0;
  let inFlight = 0;
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
      version = servingVersion(response.headers);
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

  const loop = openLoop(options.rate, send);

  let stopping: Promise<RecordStore> | undefined;
  const stop = (): Promise<RecordStore> => {
    stopping ??= (async () => {
      loop.stop();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      agent.destroy();
      return records;
    })();
    return stopping;
  };
  return {
    name: options.name ?? (fresh ? 'http-new-connection' : 'http'),
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

function resolveTarget(options: HttpProbeOptions): Target {
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
