import { NO_UPSTREAM_CAUSE, upstreamCauseCode } from './upstream-cause.ts';

/**
 * Incremental parser of one HTTP/1.x response at a time, for the lean client (http-client.ts):
 * reads the status line and the few headers the probe needs (framing, keep-alive, the serving
 * version, the front door's X-Upstream-Error) and skips the body without copying it. Interim 1xx
 * responses are skipped.
 */

export const PARSE_MORE = 0;
export const PARSE_DONE = 1;
export const PARSE_ERROR = 2;
export type ParseResult = typeof PARSE_MORE | typeof PARSE_DONE | typeof PARSE_ERROR;

const HEAD = 0;
const BODY_LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const COMPLETE = 7;

const CRLF = 0x0a0d; // "\r\n" read as a little-endian uint16
const CRLF_TEXT = '\r\n';
/** A head larger than this is not an answer from the app under test. */
const MAX_HEAD_BYTES = 64 * 1024;

/** A body larger than this is not kept whole for a check (the check then fails: wrong-body). */
export const MAX_KEPT_BODY_BYTES = 4 * 1024 * 1024;

export class ResponseParser {
  status = 0;
  /** The app's version header (X-App-Version unless the scenario names another), else X-Upstream-Version (see serving-version.ts). */
  version: string | null = null;
  /** The connection may carry another request after this response. */
  keepAlive = true;
  /** The server's Keep-Alive: timeout=N hint in ms, or -1. */
  keepAliveTimeoutMs = -1;
  /** The front door's X-Upstream-Error as a code (upstream-cause.ts); 0 when absent. */
  upstreamCause = NO_UPSTREAM_CAUSE;
  /** Why the last feed failed. */
  error = '';

  /** Lower-case name of the header that carries the app's version. */
  readonly #versionHeader: string;
  /** Keep the body's bytes (a probe that checks the body); otherwise they are skipped uncopied. */
  readonly #keepBody: boolean;
  #body: Buffer[] = [];
  #bodyBytes = 0;

  constructor(options: { versionHeader?: string; keepBody?: boolean } = {}) {
    this.#versionHeader = (options.versionHeader ?? 'x-app-version').toLowerCase();
    this.#keepBody = options.keepBody === true;
  }

  /** The body of the response just parsed, when kept; null when it was larger than MAX_KEPT_BODY_BYTES. */
  get body(): Buffer | null {
    if (this.#bodyBytes > MAX_KEPT_BODY_BYTES) return null;
    return this.#body.length === 1 ? this.#body[0]! : Buffer.concat(this.#body);
  }

  #state = HEAD;
  #noBody = false;
  #pending: Buffer | null = null;
  #remaining = 0;

  /** Prepares for the response to the next request; HEAD requests have no body. */
  reset(headRequest = false): void {
    this.status = 0;
    this.version = null;
    this.keepAlive = true;
    this.keepAliveTimeoutMs = -1;
    this.upstreamCause = NO_UPSTREAM_CAUSE;
    this.error = '';
    this.#state = HEAD;
    this.#noBody = headRequest;
    this.#pending = null;
    this.#remaining = 0;
    this.#body = [];
    this.#bodyBytes = 0;
  }

  #keep(data: Buffer, from: number, to: number): void {
    if (!this.#keepBody || to <= from) return;
    this.#bodyBytes += to - from;
    // Copied: the socket's buffer is reused once this call returns.
    if (this.#bodyBytes <= MAX_KEPT_BODY_BYTES) this.#body.push(Buffer.from(data.subarray(from, to)));
  }

  /** The head has been read (a status is known). */
  get hasHead(): boolean {
    return this.#state !== HEAD;
  }

  /**
   * Consumes bytes of the response. PARSE_DONE when the response ended within them (bytes after
   * its end are an error: one request is in flight per connection).
   */
  feed(chunk: Buffer): ParseResult {
    let data = chunk;
    let at = 0;
    if (this.#pending) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    while (at < data.length) {
      switch (this.#state) {
        case HEAD: {
          const end = data.indexOf('\r\n\r\n', at, 'latin1');
          if (end === -1) return this.#hold(data, at);
          if (!this.#parseHead(data.toString('latin1', at, end))) return PARSE_ERROR;
          at = end + 4;
          break;
        }
        case BODY_LENGTH: {
          const take = Math.min(this.#remaining, data.length - at);
          this.#keep(data, at, at + take);
          this.#remaining -= take;
          at += take;
          if (this.#remaining === 0) this.#state = COMPLETE;
          break;
        }
        case CHUNK_SIZE: {
          const end = data.indexOf(CRLF_TEXT, at, 'latin1');
          if (end === -1) return this.#hold(data, at);
          const size = parseInt(data.toString('latin1', at, end), 16);
          if (!Number.isFinite(size) || size < 0) return this.#fail('bad chunk size');
          at = end + 2;
          if (size === 0) this.#state = TRAILERS;
          else {
            this.#remaining = size;
            this.#state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.#remaining, data.length - at);
          this.#keep(data, at, at + take);
          this.#remaining -= take;
          at += take;
          if (this.#remaining === 0) {
            this.#state = CHUNK_DATA_END;
            this.#remaining = 2;
          }
          break;
        }
        case CHUNK_DATA_END: {
          const take = Math.min(this.#remaining, data.length - at);
          this.#remaining -= take;
          at += take;
          if (this.#remaining === 0) this.#state = CHUNK_SIZE;
          break;
        }
        case TRAILERS: {
          // Trailer lines until an empty line; nothing in them matters to the probe.
          if (data.length - at >= 2 && data.readUInt16LE(at) === CRLF) {
            at += 2;
            this.#state = COMPLETE;
            break;
          }
          const end = data.indexOf(CRLF_TEXT, at, 'latin1');
          if (end === -1) return this.#hold(data, at);
          at = end + 2;
          break;
        }
        case UNTIL_CLOSE:
          this.#keep(data, at, data.length);
          return PARSE_MORE;
        case COMPLETE:
          return this.#fail('bytes after the end of the response');
      }
      if (this.#state === COMPLETE && at === data.length) return PARSE_DONE;
    }
    if (this.#state === COMPLETE) return PARSE_DONE;
    return PARSE_MORE;
  }

  /** The connection closed: a body read until close is complete, anything else was cut short. */
  end(): ParseResult {
    if (this.#state === UNTIL_CLOSE || this.#state === COMPLETE) {
      this.#state = COMPLETE;
      return PARSE_DONE;
    }
    return this.#fail('connection closed before the response ended');
  }

  #hold(data: Buffer, at: number): ParseResult {
    if (data.length - at > MAX_HEAD_BYTES) return this.#fail('response head or chunk line too long');
    this.#pending = data.subarray(at);
    return PARSE_MORE;
  }

  #fail(why: string): ParseResult {
    this.error = why;
    return PARSE_ERROR;
  }

  #reject(why: string): false {
    this.error = why;
    return false;
  }

  #parseHead(head: string): boolean {
    // "HTTP/1.1 200 OK"
    if (!head.startsWith('HTTP/1.') || head.length < 12 || head[8] !== ' ') return this.#reject('not an HTTP/1.x response');
    const status = Number(head.slice(9, 12));
    if (!Number.isInteger(status) || status < 100) return this.#reject('bad status line');
    let keepAlive = head[7] === '1';
    let chunked = false;
    let length = -1;
    let version: string | null = null;
    let upstream: string | null = null;
    let upstreamCause = NO_UPSTREAM_CAUSE;
    let keepAliveTimeoutMs = -1;
    let at = head.indexOf('\r\n');
    while (at !== -1) {
      const start = at + 2;
      const next = head.indexOf('\r\n', start);
      const end = next === -1 ? head.length : next;
      const colon = head.indexOf(':', start);
      if (colon > start && colon < end) {
        const name = head.slice(start, colon).toLowerCase();
        const value = head.slice(colon + 1, end).trim();
        if (name === 'content-length') length = Number(value);
        else if (name === 'transfer-encoding') chunked = /chunked\s*$/i.test(value);
        else if (name === 'connection') {
          const v = value.toLowerCase();
          if (v.includes('close')) keepAlive = false;
          else if (v.includes('keep-alive')) keepAlive = true;
        } else if (name === 'keep-alive') {
          const m = /timeout=(\d+)/i.exec(value);
          if (m) keepAliveTimeoutMs = Number(m[1]) * 1000;
        } else if (name === this.#versionHeader) version = value;
        else if (name === 'x-upstream-version') upstream = value;
        else if (name === 'x-upstream-error') upstreamCause = upstreamCauseCode(value);
      }
      at = next;
    }
    if (status < 200 && status !== 101) {
      // Interim response (100 Continue, 103 Early Hints): the real one follows.
      this.#state = HEAD;
      return true;
    }
    this.status = status;
    this.version = version ?? upstream;
    this.keepAlive = keepAlive;
    this.keepAliveTimeoutMs = keepAliveTimeoutMs;
    this.upstreamCause = upstreamCause;
    if (this.#noBody || status === 204 || status === 304 || status === 101) {
      this.#state = COMPLETE;
    } else if (chunked) {
      this.#state = CHUNK_SIZE;
    } else if (length >= 0) {
      if (!Number.isSafeInteger(length)) return this.#reject('bad content-length');
      this.#remaining = length;
      this.#state = length === 0 ? COMPLETE : BODY_LENGTH;
    } else {
      this.#state = UNTIL_CLOSE;
      this.keepAlive = false;
    }
    return true;
  }
}
