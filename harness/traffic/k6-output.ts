import { classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';

/**
 * Reads k6's JSON output (`k6 run --out json=FILE`): one JSON object a line, either
 *   {"type":"Metric","data":{...},"metric":"http_reqs"}            a metric's declaration, or
 *   {"type":"Point","data":{"time":"2024-05-01T10:00:00.123456789+02:00","value":1,
 *     "tags":{"method":"GET","status":"200","url":"...","expected_response":"true",...}},"metric":"http_reqs"}
 * Every HTTP request k6 makes yields one Point per built-in metric, written one after another
 * with the same time (when the request ended) and tags: http_reqs, http_req_duration,
 * http_req_blocked (waiting for a connection, connecting and TLS included), _connecting,
 * _tls_handshaking, _sending, _waiting, _receiving, then http_req_failed (1 when the response
 * was not an expected one; absent when the script turned the expectation off). This module
 * turns those groups back into one request each. Pure: no clock, no files.
 */

export interface K6Request {
  /** When the request started, ms since the Unix epoch: its end minus blocked minus duration. */
  startUnixMs: number;
  durationMs: number;
  /** Outcome code (outcome.ts). */
  outcome: number;
  /** HTTP status, 0 when no answer arrived. */
  status: number;
}

interface Point {
  metric: string;
  time: string;
  value: number;
  tags: Record<string, string>;
}

interface Building {
  key: string;
  endUnixMs: number;
  durationMs: number;
  blockedMs: number;
  failed: number | null;
  tags: Record<string, string>;
}

const TIMEOUT = outcomeCode('timeout');
const REFUSED = outcomeCode('refused');
const RESET = outcomeCode('reset');
const OTHER = outcomeCode('other');

/** k6 error codes (k6 docs, "Error codes") that name a failure class of ours. */
const ERROR_CODE_CLASSES: Record<string, number> = {
  '1050': TIMEOUT, // request timeout
  '1211': TIMEOUT, // dial timeout
  '1212': REFUSED, // dial: connection refused
  '1201': RESET, // broken pipe on write
  '1220': RESET, // reset by peer
};

/** Feed it the output as it grows (chunks may end mid-line); it returns the requests completed. */
export class K6OutputParser {
  #partial = '';
  #current: Building | null = null;
  /** Lines that were not JSON (a torn write, a foreign line): counted, never fatal. */
  skippedLines = 0;

  feed(text: string): K6Request[] {
    const done: K6Request[] = [];
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line, done);
    return done;
  }

  /** The output is complete: a last unterminated line and a request still being built count too. */
  end(): K6Request[] {
    const done: K6Request[] = [];
    if (this.#partial.trim()) this.#line(this.#partial, done);
    this.#partial = '';
    this.#emit(done);
    return done;
  }

  #line(line: string, done: K6Request[]): void {
    if (!line.trim()) return;
    const point = parsePoint(line);
    if (point === undefined) {
      this.skippedLines++;
      return;
    }
    if (point === null || !point.metric.startsWith('http_req')) return;
    const key = `${point.time}\u0000${JSON.stringify(point.tags)}`;
    if (this.#current && this.#current.key !== key) this.#emit(done);
    const current = (this.#current ??= { key, endUnixMs: parseTime(point.time), durationMs: 0, blockedMs: 0, failed: null, tags: point.tags });
    if (point.metric === 'http_req_duration') current.durationMs = point.value;
    else if (point.metric === 'http_req_blocked') current.blockedMs = point.value;
    else if (point.metric === 'http_req_failed') {
      current.failed = point.value;
      // The last point k6 writes for a request.
      this.#emit(done);
    }
  }

  #emit(done: K6Request[]): void {
    const r = this.#current;
    this.#current = null;
    if (!r || !Number.isFinite(r.endUnixMs)) return;
    const status = Number(r.tags['status'] ?? 0) || 0;
    done.push({ startUnixMs: r.endUnixMs - r.blockedMs - r.durationMs, durationMs: r.blockedMs + r.durationMs, outcome: outcomeOf(r, status), status });
  }
}

function outcomeOf(r: Building, status: number): number {
  const byStatus = status > 0 ? classifyStatus(status) : (ERROR_CODE_CLASSES[r.tags['error_code'] ?? ''] ?? OTHER);
  if (r.failed === null) return byStatus;
  if (r.failed === 0) return OUTCOME_OK;
  // Failed although the status looks fine: the script expects other statuses.
  return byStatus === OUTCOME_OK ? OTHER : byStatus;
}

/** A Point line; null for other JSON lines (Metric declarations); undefined when not JSON. */
function parsePoint(line: string): Point | null | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, metric, data } = parsed as { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: unknown } };
  if (type !== 'Point' || typeof metric !== 'string' || typeof data !== 'object' || data === null) return null;
  if (typeof data.time !== 'string' || typeof data.value !== 'number') return null;
  const tags = typeof data.tags === 'object' && data.tags !== null ? (data.tags as Record<string, string>) : {};
  return { metric, time: data.time, value: data.value, tags };
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

/** Go's RFC 3339 with up to nanoseconds, to ms since the epoch keeping the sub-millisecond part. */
export function parseTime(text: string): number {
  const match = RFC3339.exec(text);
  if (!match) return Date.parse(text);
  const [, seconds, fraction = '', zone] = match;
  return Date.parse(`${seconds}${zone}`) + Number(`0.${fraction || '0'}`) * 1000;
}
