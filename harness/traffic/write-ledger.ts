import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { WriteProbe } from '../matrix/cell.ts';
import { fillPlaceholders } from '../matrix/placeholders.ts';
import type { Integrity, LostWrites } from '../results.ts';
import { pointerResolves, resolvePointer } from '../util/json-pointer.ts';
import { openLoop } from './open-loop.ts';
import { classifyError, classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';
import type { RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';
import { servingVersion } from './serving-version.ts';
import { NO_UPSTREAM_CAUSE, upstreamCauseOfHeaders } from './upstream-cause.ts';

export interface WriteLedgerOptions {
  baseUrl: string;
  /** The app's write endpoint, its body template and read-back; {{setup.NAME}} already filled. */
  write: WriteProbe;
  rate: number;
  timeoutMs: number;
  /** The response header that names the app's version, when not X-App-Version. */
  versionHeader?: string;
}

const TIMEOUT = outcomeCode('timeout');
const READ_BACK_CONCURRENCY = 8;
/** How many lost writes are named, with why, in results. */
const LOST_EXAMPLES = 5;

/**
 * Writes with unique keys at a steady rate and keeps a ledger of every write the app
 * acknowledged; checkIntegrity() reads them all back. An acknowledged write that is missing or
 * holds another value is lost: the release must not ship.
 */
export function startWriteLedger(options: WriteLedgerOptions): RunningProbe {
  const base = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true });
  const records = new RecordStore();
  // Keys are unique across runs, so a database that outlives a cell can never satisfy a read-back.
  const prefix = `ledger-${randomBytes(4).toString('hex')}`;
  const acknowledged: number[] = [];
  let sent = 0;
  let failures = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const { write } = options;
  const headers = { 'content-type': 'application/json', ...lowerCaseNames(write.headers ?? {}) };
  const settings: HttpSettings = { base, agent, timeoutMs: options.timeoutMs, headers, versionHeader: options.versionHeader ?? 'x-app-version' };
  const send = (scheduledMs: number): void => {
    const n = sent++;
    const key = `${prefix}-${n}`;
    // Keys and values are [a-z0-9-]: safe inside a JSON string, a form or a path as they are.
    const body = write.body === undefined ? JSON.stringify({ key, value: valueOf(n) }) : fillPlaceholders(write.body, { key, value: valueOf(n) });
    const sentMs = performance.now();
    inFlight++;
    request(settings, write.method, fillPlaceholders(write.path, { key: encodeURIComponent(key) }), body).then(
      ({ status, version, upstreamCause }) => {
        const outcome = classifyStatus(status);
        if (outcome === OUTCOME_OK) acknowledged.push(n);
        done(scheduledMs, sentMs, outcome, status, version, upstreamCause);
      },
      (error: unknown) => done(scheduledMs, sentMs, isTimeout(error) ? TIMEOUT : classifyError(error), 0, null, NO_UPSTREAM_CAUSE),
    );
  };
  const done = (scheduledMs: number, sentMs: number, outcome: number, status: number, version: string | null, upstreamCause: number) => {
    records.push(scheduledMs, sentMs, performance.now() - sentMs, outcome, status, version, upstreamCause);
    if (outcome !== OUTCOME_OK) failures++;
    if (--inFlight === 0 && drained) drained();
  };
  const loop = openLoop(options.rate, send);

  const checkIntegrity = async (): Promise<Integrity> => {
    const keys = [...acknowledged];
    const limit = pLimit(READ_BACK_CONCURRENCY);
    const lostBy: LostWrites = { notFound: 0, differentValue: 0, errorStatus: 0 };
    const examples: string[] = [];
    let duplicates = 0;
    await Promise.all(
      keys.map((n) =>
        limit(async () => {
          const key = `${prefix}-${n}`;
          const found = await readBack(settings, fillPlaceholders(write.readBack.path, { key: encodeURIComponent(key) }), write.readBack.json);
          const why = lostBecause(found, valueOf(n));
          if (why) {
            lostBy[why.reason]++;
            if (examples.length < LOST_EXAMPLES) examples.push(`${key}: ${why.said}`);
          }
          if (found.values.length > 1) duplicates += found.values.filter((value) => value === valueOf(n)).length - 1;
        }),
      ),
    );
    const lost = lostBy.notFound + lostBy.differentValue + lostBy.errorStatus;
    return { writesAcknowledged: keys.length, writesLost: lost, duplicates, ...(lost > 0 ? { lostBy, lostExamples: examples.sort() } : {}) };
  };

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
    name: 'write-ledger',
    records,
    stats: () => ({ requests: records.length, failures, inFlight }),
    stop,
    checkIntegrity,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

const valueOf = (n: number): string => `value-${n}`;

const isTimeout = (error: unknown): boolean => error instanceof Error && error.name === 'TimeoutError';

const lowerCaseNames = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

interface HttpSettings {
  base: URL;
  agent: http.Agent;
  timeoutMs: number;
  /** Sent with writes and read-backs alike (a token from the setup step). */
  headers: Record<string, string>;
  versionHeader: string;
}

interface Answer {
  status: number;
  version: string | null;
  upstreamCause: number;
  body: string;
}

function request(settings: HttpSettings, method: string, path: string, body: string | null): Promise<Answer> {
  const { base, agent, timeoutMs } = settings;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: base.hostname,
        port: base.port,
        path: base.pathname.replace(/\/+$/, '') + path,
        method,
        headers: body === null ? omit(settings.headers, 'content-type') : { ...settings.headers, 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            version: servingVersion(response.headers, settings.versionHeader),
            upstreamCause: upstreamCauseOfHeaders(response.headers),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', (error) => reject(req.destroyed && error.name === 'AbortError' ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : error));
    req.end(body ?? undefined);
  });
}

function omit(headers: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _left, ...rest } = headers;
  return rest;
}

/** What a read-back found: the values stored under the key, or the status that kept it from saying. */
interface ReadBackResult {
  values: string[];
  /** The last answer's status (0: none came), when it was not 200. */
  failedStatus?: number;
  /** The answer was 200 but the pointer did not resolve (or, plain form, held no {key, value}). */
  missing?: boolean;
}

const READ_BACK_ATTEMPTS = 3;

/**
 * GETs the read-back path. With a pointer, the value is what it points at; without, the answer
 * is one {key, value} or a list of them. A transient failure (no answer, 5xx) is asked again, so
 * a hiccup is not reported as a lost write.
 */
async function readBack(settings: HttpSettings, path: string, pointer: string | undefined): Promise<ReadBackResult> {
  for (let attempt = 1; ; attempt++) {
    let answer: Answer;
    try {
      answer = await request(settings, 'GET', path, null);
    } catch {
      if (attempt >= READ_BACK_ATTEMPTS) return { values: [], failedStatus: 0 };
      continue;
    }
    if (answer.status >= 500 && attempt < READ_BACK_ATTEMPTS) continue;
    if (answer.status !== 200) return { values: [], failedStatus: answer.status };
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return { values: [], missing: true };
    }
    if (pointer !== undefined) {
      return pointerResolves(parsed, pointer) ? { values: [String(resolvePointer(parsed, pointer))] } : { values: [], missing: true };
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    const values = entries.flatMap((entry) => (typeof entry === 'object' && entry !== null && 'value' in entry ? [String(entry.value)] : []));
    return values.length > 0 ? { values } : { values, missing: true };
  }
}

/** Why an acknowledged write counts as lost, or null when its value was read back. */
function lostBecause(found: ReadBackResult, expected: string): { reason: keyof LostWrites; said: string } | null {
  if (found.values.includes(expected)) return null;
  if (found.failedStatus === 404 || found.missing) return { reason: 'notFound', said: found.failedStatus === 404 ? 'not found (HTTP 404)' : 'not found in the answer' };
  if (found.failedStatus !== undefined) return { reason: 'errorStatus', said: found.failedStatus === 0 ? 'no answer to the read-back' : `read-back answered HTTP ${found.failedStatus}` };
  return { reason: 'differentValue', said: `holds ${JSON.stringify(found.values[0]!.slice(0, 40))}, not ${JSON.stringify(expected)}` };
}
