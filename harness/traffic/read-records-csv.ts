import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { InfrastructureError } from '../errors.ts';
import { outcomeClasses, outcomeCode, type OutcomeName } from './outcome.ts';
import { CSV_HEADER } from './record-csv.ts';
import { RecordStore } from './record-store.ts';
import { upstreamCauseCode } from './upstream-cause.ts';

/** Files written before the upstream_error column: read the same, with no cause. */
const HEADER_BEFORE_UPSTREAM_ERROR = 'probe,sent_unix_ms,scheduled_unix_ms,duration_ms,outcome,status,version';

/**
 * Reads a request file written by RecordStore.appendCsv back into one store per probe, line by
 * line (never the whole file at once). Times come back on this process's monotonic clock.
 */
export async function readRecordsCsv(path: string): Promise<Map<string, RecordStore>> {
  const stores = new Map<string, RecordStore>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const origin = performance.timeOrigin;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line === '' || line === CSV_HEADER || line === HEADER_BEFORE_UPSTREAM_ERROR) continue;
    const fields = parseCsvLine(line);
    const [probe, sent, scheduled, duration, outcome, status, version, cause] = fields;
    if ((fields.length !== 8 && fields.length !== 7) || !isOutcome(outcome)) {
      throw new InfrastructureError(`${path}:${lineNumber}: not a request line: ${line.slice(0, 120)}`, {
        code: 'RECORDS_FILE',
        hint: 'the file must be written by upgrade-harness (header: ' + CSV_HEADER + ')',
      });
    }
    let store = stores.get(probe ?? '');
    if (!store) stores.set(probe ?? '', (store = new RecordStore()));
    store.push(Number(scheduled) - origin, Number(sent) - origin, Number(duration), outcomeCode(outcome), Number(status), version ? version : null, upstreamCauseCode(cause));
  }
  return stores;
}

function isOutcome(value: string | undefined): value is OutcomeName {
  return (outcomeClasses as readonly string[]).includes(value ?? '');
}

/** One CSV line (RFC 4180 quoting; no line breaks inside fields, which csvField never emits unquoted). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}
