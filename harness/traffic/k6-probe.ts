import { execa } from 'execa';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InfrastructureError } from '../errors.ts';
import { onPath } from '../tools/on-path.ts';
import { K6OutputParser, type K6Request } from './k6-output.ts';
import { OUTCOME_OK } from './outcome.ts';
import { ProbeUnavailable, type RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';

export interface K6ProbeOptions {
  baseUrl: string;
  /** The user's k6 script (JavaScript or TypeScript: k6 runs TypeScript natively). */
  script: string;
  /** Passed to the script as __ENV.TIMEOUT_MS; the script decides how to use it. */
  timeoutMs: number;
}

/** How often the JSON output is read while k6 runs (k6 itself writes it every 200 ms). */
const TAIL_INTERVAL_MS = 250;
/** After SIGINT k6 finishes its iterations, writes its summary and exits; then it is killed. */
const STOP_GRACE_MS = 30_000;
const READ_CHUNK = 256 * 1024;
const STDERR_TAIL_LINES = 12;
/**
 * k6 exit codes that mean the run itself was fine: 0; 99, thresholds failed (a verdict k6
 * leaves to us); 105, stopped by a signal (ours). Killed by a signal gives no code at all.
 */
const K6_FINE_EXIT_CODES = new Set([0, 99, 105]);

/**
 * Runs a user's k6 script against the front door, `k6 run --out json=FILE -e BASE_URL=...`,
 * and feeds every HTTP request of k6's JSON output into a RecordStore like the other probes'.
 * The file is read as it grows, so stats() follows the run. k6 has no scheduled send time,
 * so each record's schedule is its start. Throws ProbeUnavailable when no k6 is on PATH.
 */
export async function startK6Probe(options: K6ProbeOptions): Promise<RunningProbe> {
  if (!(await onPath('k6'))) throw new ProbeUnavailable('no k6 binary on PATH');
  const dir = await mkdtemp(join(tmpdir(), 'upgrade-harness-k6-'));
  const output = join(dir, 'output.ndjson');
  const records = new RecordStore();
  const parser = new K6OutputParser();
  let failures = 0;

  const push = (requests: K6Request[]): void => {
    for (const r of requests) {
      const startMs = r.startUnixMs - performance.timeOrigin;
      records.push(startMs, startMs, r.durationMs, r.outcome, r.status, null);
      if (r.outcome !== OUTCOME_OK) failures++;
    }
  };

  const k6 = execa(
    'k6',
    // --no-usage-report: k6 would otherwise phone home; everything here stays on 127.0.0.1.
    ['run', '--no-usage-report', '--out', `json=${output}`, '-e', `BASE_URL=${options.baseUrl}`, '-e', `TIMEOUT_MS=${options.timeoutMs}`, options.script],
    // Not buffered: a day-long run logs a warning per failed request; a short tail is enough.
    { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: false },
  );
  const stderrTail: string[] = [];
  k6.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderrTail.push(...text.split('\n').filter((line) => line.trim()));
    stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_TAIL_LINES));
  });
  let exited = false;
  void k6.finally(() => (exited = true));
  let file: FileHandle | undefined;
  let offset = 0;
  const buffer = Buffer.alloc(READ_CHUNK);
  const decoder = new TextDecoder('utf-8');
  /** Reads what k6 has appended since the last read. */
  const drain = async (): Promise<void> => {
    if (!file) {
      try {
        file = await open(output, 'r');
      } catch {
        return; // not created yet
      }
    }
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, READ_CHUNK, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      push(parser.feed(decoder.decode(buffer.subarray(0, bytesRead), { stream: true })));
    }
  };
  let reading = Promise.resolve();
  const tail = setInterval(() => {
    reading = reading.then(drain, drain);
  }, TAIL_INTERVAL_MS);

  let stopping: Promise<RecordStore> | undefined;
  const stop = (): Promise<RecordStore> => {
    stopping ??= (async () => {
      clearInterval(tail);
      if (!exited) {
        // SIGINT, as Ctrl-C would: k6 stops its VUs gracefully and flushes the JSON output.
        k6.kill('SIGINT');
      }
      const killer = setTimeout(() => k6.kill('SIGKILL'), STOP_GRACE_MS);
      const { exitCode } = await k6;
      clearTimeout(killer);
      await reading.catch(() => undefined);
      await drain();
      push(parser.feed(decoder.decode()));
      push(parser.end());
      await file?.close();
      await rm(dir, { recursive: true, force: true });
      // A script error or a bad option (k6 exit codes 104, 107, ...) must not pass unnoticed.
      if (exitCode !== undefined && !K6_FINE_EXIT_CODES.has(exitCode)) {
        throw new InfrastructureError(`k6 exited with code ${exitCode} (${records.length} requests recorded)`, {
          code: 'K6_FAILED',
          hint: stderrTail.length ? `k6 said:\n  ${stderrTail.join('\n  ')}` : `run k6 run ${options.script} by hand to see why`,
        });
      }
      return records;
    })();
    return stopping;
  };
  return {
    name: 'k6',
    records,
    stats: () => ({ requests: records.length, failures, inFlight: 0 }),
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
