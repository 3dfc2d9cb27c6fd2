import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { outcomeName } from './outcome.ts';
import type { RecordStore } from './record-store.ts';
import { upstreamCauseName } from './upstream-cause.ts';

/**
 * The per-cell request file: one CSV line per request, in completion order, every probe of
 * the cell appending to the same file. Columns:
 *   probe              probe name (http, http-new-connection, write-ledger, k6, ...)
 *   sent_unix_ms       when the request left, milliseconds since the Unix epoch, to the microsecond
 *   scheduled_unix_ms  when the schedule wanted it to leave (equal to sent for closed loops)
 *   duration_ms        until the last byte of the answer, or until the failure
 *   outcome            ok | http-5xx | http-4xx | refused | reset | timeout | wrong-body | other
 *   status             HTTP status, 0 when no answer arrived
 *   version            the version that served it (X-App-Version), empty when unknown
 *   upstream_error     when the front door answered itself: what it saw upstream (its
 *                      X-Upstream-Error: refused | reset | timeout | no-member | other), else empty
 * CSV rather than binary: a user opens it in anything, and at ~60 bytes a line an hour at
 * 1000 requests/s is ~220 MB, written in batches while the cell runs.
 */
export const CSV_HEADER = 'probe,sent_unix_ms,scheduled_unix_ms,duration_ms,outcome,status,version,upstream_error';

const BATCH_ROWS = 4096;

/** Appends rows [from, to) of the store; writes the header first when the file is new or empty. */
export async function appendRecordsCsv(records: RecordStore, path: string, probe: string, from: number, to: number): Promise<void> {
  const file = await open(path, 'a');
  try {
    const { size } = await file.stat();
    let text = size === 0 ? `${CSV_HEADER}\n` : '';
    const probeField = csvField(probe);
    const origin = performance.timeOrigin;
    for (let i = from; i < to; i++) {
      const sent = records.sentMs(i);
      const version = records.versionName(records.versionIndex(i));
      const cause = upstreamCauseName(records.upstreamCause(i)) ?? '';
      text += `${probeField},${(origin + sent).toFixed(3)},${(origin + records.scheduledMs(i)).toFixed(3)},${records.durationMs(i).toFixed(3)},${outcomeName(records.outcome(i))},${records.status(i)},${version === null ? '' : csvField(version)},${cause}\n`;
      if ((i - from) % BATCH_ROWS === BATCH_ROWS - 1) {
        await file.write(text);
        text = '';
      }
    }
    if (text) await file.write(text);
  } finally {
    await file.close();
  }
}

/** Quotes a field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
