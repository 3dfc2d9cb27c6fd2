import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { PARSE_DONE, PARSE_ERROR, ResponseParser } from './http-response-parser.ts';
import { classifyError, classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';

const TIMEOUT = outcomeCode('timeout');
const RESET = outcomeCode('reset');
const OTHER = outcomeCode('other');
/** Retire a kept-alive connection this long before the server's announced idle timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** Idle limit when the server announces none (Node's default server timeout is 5 s). */
const DEFAULT_IDLE_MS = 4000;

export interface HttpRequestSpec {
  url: URL;
  method: string;
  /** Path and query, starting with '/'. */
  path: string;
  body?: Buffer;
  contentType?: string;
  /** Sent with every request (the scenario's probe headers, placeholders filled). */
  headers?: Record<string, string>;
  /** The response header that names the app's version; default X-App-Version. */
  versionHeader?: string;
  /**
   * Judges an answer whose status is a success: OUTCOME_OK, or the code of what is wrong with it
   * (wrong-body). Given, the client keeps each response's body for it.
   */
  judge?: ResponseJudge;
  timeoutMs: number;
  /** A fresh TCP connection per request, closed after the answer (probe http-new-connection). */
  newConnectionPerRequest?: boolean;
}

/**
 * Called once per request: `tag` is what send() was given (the probe's scheduled time), times
 * are performance.now() values, status 0 when no answer arrived, upstreamCause the front door's
 * X-Upstream-Error as a code (upstream-cause.ts).
 */
export type ResponseJudge = (status: number, body: Buffer | null) => number;

export type ExchangeDone = (tag: number, sentMs: number, endMs: number, outcome: number, status: number, version: string | null, upstreamCause: number) => void;

/**
 * A lean HTTP/1.1 client for one fixed request, on raw net/tls sockets: the request bytes are
 * built once, a response is parsed just enough to frame it and read its status and version,
 * and nothing is allocated per request beyond what the socket hands over. Node's http client
 * spends most of a request's CPU on generality the probe does not need, and the probe must
 * both keep to an open-loop schedule at hundreds of requests per second and, closed loop, match
 * autocannon. Connections are kept alive in a LIFO pool and opened on demand, so an open loop
 * never waits for a free connection (no coordinated omission).
 */
export class HttpClient {
  readonly #spec: HttpRequestSpec;
  readonly #request: Buffer;
  readonly #done: ExchangeDone;
  readonly #fresh: boolean;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  #closed = false;

  constructor(spec: HttpRequestSpec, done: ExchangeDone) {
    this.#spec = spec;
    this.#done = done;
    this.#fresh = spec.newConnectionPerRequest === true;
    this.#request = requestBytes(spec, this.#fresh);
  }

  /** Connections open now (idle or carrying a request). */
  get connections(): number {
    return this.#all.size;
  }

  /** Sends the request now, on an idle kept-alive connection or a new one. */
  send(tag: number): void {
    if (this.#closed) throw new Error('HttpClient is closed');
    const sentMs = performance.now();
    const connection = (!this.#fresh && this.#takeIdle(sentMs)) || this.#open();
    connection.start(tag, sentMs);
  }

  /** Destroys every connection; a request still in flight completes as reset. */
  close(): void {
    this.#closed = true;
    for (const connection of [...this.#all]) connection.destroy();
  }

  #takeIdle(now: number): Connection | undefined {
    for (let connection = this.#idle.pop(); connection; connection = this.#idle.pop()) {
      if (connection.usable && now - connection.idleSinceMs < connection.idleLimitMs) return connection;
      connection.destroy();
    }
    return undefined;
  }

  #open(): Connection {
    const connection = new Connection(this.#spec, this.#request, (c, tag, sentMs, endMs, outcome, status, version, upstreamCause) => {
      if (!this.#fresh && c.reusable && !this.#closed) {
        c.idleSinceMs = endMs;
        this.#idle.push(c);
      } else {
        c.destroy();
      }
      this.#done(tag, sentMs, endMs, outcome, status, version, upstreamCause);
    });
    connection.onGone = (c) => {
      this.#all.delete(c);
      const at = this.#idle.lastIndexOf(c);
      if (at !== -1) this.#idle.splice(at, 1);
    };
    this.#all.add(connection);
    return connection;
  }
}

type ConnectionDone = (connection: Connection, tag: number, sentMs: number, endMs: number, outcome: number, status: number, version: string | null, upstreamCause: number) => void;

/** One socket carrying one request at a time. */
class Connection {
  idleSinceMs = 0;
  idleLimitMs = DEFAULT_IDLE_MS;
  /** The last response allows another request on this connection. */
  reusable = false;
  onGone: (connection: Connection) => void = () => {};

  readonly #socket: net.Socket;
  readonly #request: Buffer;
  readonly #timeoutMs: number;
  readonly #done: ConnectionDone;
  readonly #parser: ResponseParser;
  readonly #judge: ResponseJudge | undefined;
  readonly #headRequest: boolean;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #tag = 0;
  #sentMs = 0;
  #exchange = 0;
  #error: unknown;
  #timedOut = false;

  constructor(spec: HttpRequestSpec, request: Buffer, done: ConnectionDone) {
    this.#request = request;
    this.#timeoutMs = spec.timeoutMs;
    this.#done = done;
    this.#headRequest = spec.method === 'HEAD';
    this.#judge = spec.judge;
    this.#parser = new ResponseParser({ ...(spec.versionHeader ? { versionHeader: spec.versionHeader } : {}), keepBody: spec.judge !== undefined });
    const port = Number(spec.url.port) || (spec.url.protocol === 'https:' ? 443 : 80);
    const host = spec.url.hostname.replace(/^\[|\]$/g, '');
    this.#socket =
      spec.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => {
      this.#error = error;
    });
    this.#socket.on('close', () => this.#onClose());
  }

  start(tag: number, sentMs: number): void {
    this.#busy = true;
    this.#tag = tag;
    this.#sentMs = sentMs;
    this.#exchange++;
    this.#timedOut = false;
    this.reusable = false;
    this.#parser.reset(this.#headRequest);
    if (this.#timer) this.#timer.refresh();
    else this.#timer = setTimeout(() => this.#onTimer(), this.#timeoutMs);
    this.#socket.write(this.#request);
  }

  /** Not closed by either side, not even half-way (a FIN read but 'close' not yet emitted). */
  get usable(): boolean {
    const socket = this.#socket;
    return !socket.destroyed && socket.writable && !socket.readableEnded;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (!this.#busy) {
      // Bytes nobody asked for: the connection is out of step, so it must not be reused.
      this.#socket.destroy();
      return;
    }
    const result = this.#parser.feed(chunk);
    if (result === PARSE_DONE) {
      const parser = this.#parser;
      this.reusable = parser.keepAlive;
      if (parser.keepAliveTimeoutMs > 0) this.idleLimitMs = Math.max(0, parser.keepAliveTimeoutMs - KEEP_ALIVE_MARGIN_MS);
      this.#finish(this.#outcome(), parser.status, parser.version);
    } else if (result === PARSE_ERROR) {
      this.#finish(OTHER, this.#parser.status, this.#parser.version);
      this.#socket.destroy();
    }
  }

  #onClose(): void {
    clearTimeout(this.#timer);
    this.onGone(this);
    if (!this.#busy) return;
    const parser = this.#parser;
    if (this.#timedOut) this.#finish(TIMEOUT, parser.status, parser.version);
    else if (parser.hasHead && parser.end() === PARSE_DONE) this.#finish(this.#outcome(), parser.status, parser.version);
    else this.#finish(this.#error ? classifyError(this.#error) : RESET, parser.status, parser.version);
  }

  /** The status's class; a success is also judged by the probe's expectations, when it has any. */
  #outcome(): number {
    const outcome = classifyStatus(this.#parser.status);
    return outcome === OUTCOME_OK && this.#judge ? this.#judge(this.#parser.status, this.#parser.body) : outcome;
  }

  #onTimer(): void {
    if (!this.#busy) return;
    const exchange = this.#exchange;
    const left = this.#sentMs + this.#timeoutMs - performance.now();
    if (left > 0) {
      // Timers keep a coarse clock and may fire a little early.
      this.#timer = setTimeout(() => this.#onTimer(), Math.ceil(left));
      return;
    }
    // After an event-loop stall the timers run before the sockets are read; an answer that
    // arrived in time is waiting in the socket, so the timeout is judged after the next poll.
    setImmediate(() => {
      if (!this.#busy || this.#exchange !== exchange) return;
      this.#timedOut = true;
      this.#socket.destroy();
    });
  }

  #finish(outcome: number, status: number, version: string | null): void {
    if (!this.#busy) return;
    this.#busy = false;
    const endMs = performance.now();
    // The parser holds this exchange's response (reset at start): no head read, no cause.
    this.#done(this, this.#tag, this.#sentMs, endMs, outcome, status, version, this.#parser.upstreamCause);
  }
}

/** The request's bytes, built once: a GET has no body; a body-less POST states its length. */
function requestBytes(spec: HttpRequestSpec, close: boolean): Buffer {
  const host = spec.url.host;
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`, `Host: ${host}`, 'User-Agent: upgrade-harness'];
  if (close) lines.push('Connection: close');
  const given = Object.entries(spec.headers ?? {});
  for (const [name, value] of given) lines.push(`${name}: ${value}`);
  const body = spec.body ?? Buffer.alloc(0);
  if (spec.contentType && !given.some(([name]) => name.toLowerCase() === 'content-type')) lines.push(`Content-Type: ${spec.contentType}`);
  if (body.length > 0 || (spec.method !== 'GET' && spec.method !== 'HEAD' && spec.method !== 'DELETE')) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
