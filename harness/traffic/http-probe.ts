import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.ts';
import type { ReadProbe } from '../matrix/cell.ts';
import { responseJudge } from './expect-response.ts';
import { HttpClient } from './http-client.ts';
import { OUTCOME_OK } from './outcome.ts';
import { openLoop } from './open-loop.ts';
import type { RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';

export interface HttpProbeOptions {
  baseUrl: string;
  /** The request, placeholders filled, and what a right answer looks like. */
  endpoint: ReadProbe;
  /** The response header that names the app's version, when not X-App-Version. */
  versionHeader?: string;
  /** Requests per second (open loop; ignored when `closedLoop` is set). */
  rate: number;
  timeoutMs: number;
  /**
   * A fresh TCP connection per request (probe `http-new-connection`): catches a listener that
   * closed while old keep-alive connections still drain, which reused connections hide.
   */
  newConnectionPerRequest?: boolean;
  /** Probe name in results (default `http`, or `http-new-connection`). */
  name?: string;
  /**
   * Closed loop instead of the open-loop schedule: keep `concurrency` requests in flight, each
   * lane sending its next request as soon as the previous answers (the throughput benchmark's
   * "full speed"). A request is due when its lane frees, and leaves right then. Not for measuring outages: a closed
   * loop slows down with the server and so under-samples exactly when it fails.
   */
  closedLoop?: { concurrency: number };
}

/** Open-loop HTTP requests to one endpoint, over keep-alive connections unless asked otherwise. */
export function startHttpProbe(options: HttpProbeOptions): RunningProbe {
  const target = resolveTarget(options);
  const records = new RecordStore();
  const fresh = options.newConnectionPerRequest === true;
  const closedLoop = options.closedLoop;

  let failures = 0;
  let inFlight = 0;
  let stopped = false;
  let drained: (() => void) | undefined;

  const client = new HttpClient(
    {
      url: target.url,
      method: options.endpoint.method,
      path: target.path,
      timeoutMs: options.timeoutMs,
      newConnectionPerRequest: fresh,
      ...(options.endpoint.headers ? { headers: options.endpoint.headers } : {}),
      ...(options.versionHeader ? { versionHeader: options.versionHeader } : {}),
      ...(options.endpoint.expect ? { judge: responseJudge(options.endpoint.expect) } : {}),
    },
    (scheduledMs, sentMs, endMs, outcome, status, version, upstreamCause) => {
      records.push(scheduledMs, sentMs, endMs - sentMs, outcome, status, version, upstreamCause);
      if (outcome !== OUTCOME_OK) failures++;
      inFlight--;
      if (closedLoop && !stopped) send(endMs);
      else if (inFlight === 0 && drained) drained();
    },
  );
  const send = (scheduledMs: number): void => {
    inFlight++;
    client.send(scheduledMs);
  };

  let loop: { stop(): void };
  if (closedLoop) {
    const lanes = Math.max(1, Math.floor(closedLoop.concurrency));
    for (let lane = 0; lane < lanes; lane++) send(performance.now());
    loop = { stop: () => {} };
  } else {
    loop = openLoop(options.rate, send);
  }

  let stopping: Promise<RecordStore> | undefined;
  const stop = (): Promise<RecordStore> => {
    stopping ??= (async () => {
      stopped = true;
      loop.stop();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      client.close();
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
  if (options.closedLoop) {
    if (!(options.closedLoop.concurrency >= 1)) {
      throw new ConfigError(`closed-loop concurrency must be at least 1, got ${options.closedLoop.concurrency}`, [], 'give the number of connections, e.g. 10');
    }
  } else if (!(options.rate > 0) || !Number.isFinite(options.rate)) {
    throw new ConfigError(`traffic rate must be a positive number of requests per second, got ${options.rate}`, [], 'set traffic.rate, e.g. 200');
  }
  if (!(options.timeoutMs > 0)) {
    throw new ConfigError(`traffic timeout must be positive, got ${options.timeoutMs} ms`, [], 'set traffic.timeoutMs, e.g. 2000');
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  const endpointPath = options.endpoint.path.startsWith('/') ? options.endpoint.path : `/${options.endpoint.path}`;
  return { url, path: basePath + endpointPath };
}
