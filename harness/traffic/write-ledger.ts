import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { HttpEndpoint } from '../matrix/cell.ts';
import type { Integrity } from '../results.ts';
import { openLoop } from './open-loop.ts';
import { classifyError, classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';
import type { RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';
import { servingVersion } from './serving-version.ts';
import { NO_UPSTREAM_CAUSE, upstreamCauseOfHeaders } from './upstream-cause.ts';

export interface WriteLedgerOptions {
  baseUrl: string;
  /** The app's write endpoint: takes JSON {key, value}. */
  write: HttpEndpoint;
  /** GET readBack + '/' + key answers {key, value} (or a list of them). */
  readBack: string;
  rate: number;
  timeoutMs: number;
}

const TIMEOUT = outcomeCode('timeout');
const READ_BACK_CONCURRENCY = 8;

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

  const send = (scheduledMs: number): void => {
    const n = sent++;
    const body = JSON.stringify({ key: `${prefix}-${n}`, value: valueOf(n) });
    const sentMs = performance.now();
    inFlight++;
    request(base, options.write.method, options.write.path, body, options.timeoutMs, agent).then(
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
    let lost = 0;
    let duplicates = 0;
    await Promise.all(
      keys.map((n) =>
        limit(async () => {
          const found = await readBack(base, `${options.readBack}/${encodeURIComponent(`${prefix}-${n}`)}`, options.timeoutMs, agent);
          const matches = found.filter((entry) => entry === valueOf(n)).length;
          if (matches === 0) lost++;
          if (matches > 1) duplicates += matches - 1;
        }),
      ),
    );
    return { writesAcknowledged: keys.length, writesLost: lost, duplicates };
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

interface Answer {
  status: number;
  version: string | null;
  upstreamCause: number;
  body: string;
}

function request(base: URL, method: string, path: string, body: string | null, timeoutMs: number, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: base.hostname,
        port: base.port,
        path: base.pathname.replace(/\/+$/, '') + path,
        method,
        headers: body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, version: servingVersion(response.headers), upstreamCause: upstreamCauseOfHeaders(response.headers), body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', (error) => reject(req.destroyed && error.name === 'AbortError' ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : error));
    req.end(body ?? undefined);
  });
}

const READ_BACK_ATTEMPTS = 3;

/**
 * The values stored under a key: the read-back may answer one {key, value} or a list of them.
 * A transient failure (no answer, 5xx) is asked again, so a hiccup is not reported as a lost write.
 */
async function readBack(base: URL, path: string, timeoutMs: number, agent: http.Agent): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await request(base, 'GET', path, null, timeoutMs, agent);
      if (answer.status >= 500 && attempt < READ_BACK_ATTEMPTS) continue;
      if (answer.status !== 200) return [];
      const parsed: unknown = JSON.parse(answer.body);
      const entries = Array.isArray(parsed) ? parsed : [parsed];
      return entries.flatMap((entry) => (typeof entry === 'object' && entry !== null && 'value' in entry ? [String(entry.value)] : []));
    } catch {
      if (attempt >= READ_BACK_ATTEMPTS) return [];
    }
  }
}
