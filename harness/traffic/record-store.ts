import { ChunkedColumn } from './chunked-column.ts';
import { OUTCOME_OK, outcomeClasses } from './outcome.ts';
import { appendRecordsCsv } from './record-csv.ts';
import { NO_UPSTREAM_CAUSE, upstreamCauses } from './upstream-cause.ts';

/** Version index 0 means "no X-App-Version header"; 255 collects versions past the table's end. */
const NO_VERSION = 0;
const OVERFLOW_VERSION = 255;
const OVERFLOW_NAME = '(other versions)';
/** sent f64 + schedule lag f32 + duration f32 + status u16 + outcome and upstream cause u8 + version u8. */
export const ROW_BYTES = 8 + 4 + 4 + 2 + 1 + 1;
/**
 * The outcome byte holds the outcome code in its low nibble and the upstream cause
 * (upstream-cause.ts) in its high one: both are codes below 16, and a row stays 20 bytes (a
 * published figure of the throughput benchmark).
 */
const OUTCOME_BITS = 0x0f;
const CAUSE_SHIFT = 4;
if (outcomeClasses.length > 16 || upstreamCauses.length > 16) throw new Error('record-store: outcome and upstream cause codes must each fit in 4 bits');

/**
 * Every request of a probe, one row each, stored as columns of typed arrays (20 bytes a row).
 * A run at hundreds of requests per second for an hour is millions of rows: an object per
 * request would cost ~10x the memory and load the garbage collector while the scheduler must
 * stay on time. Columns grow in fixed chunks (see ChunkedColumn), so with the default initial
 * capacity a store never holds more than 1.5 x 20 = 30 bytes per row. Rows are pushed when a
 * request completes (completion order, not send order).
 *
 * The send time is kept exactly (float64); the schedule is kept as the lag behind it in
 * float32, which is exact to well under a microsecond for any lag below hours.
 */
export class RecordStore {
  #length = 0;
  #sentMs: ChunkedColumn<Float64Array>;
  #lagMs: ChunkedColumn<Float32Array>;
  #durationMs: ChunkedColumn<Float32Array>;
  #status: ChunkedColumn<Uint16Array>;
  #outcome: ChunkedColumn<Uint8Array>;
  #version: ChunkedColumn<Uint8Array>;
  #versionNames: (string | null)[] = [null];
  #versionIndex = new Map<string, number>();
  #written = 0;
  #writing: Promise<unknown> = Promise.resolve();

  /** A larger initial capacity avoids early copies but counts as held memory until filled. */
  constructor(initialCapacity = 1) {
    this.#sentMs = new ChunkedColumn((n) => new Float64Array(n), initialCapacity);
    this.#lagMs = new ChunkedColumn((n) => new Float32Array(n), initialCapacity);
    this.#durationMs = new ChunkedColumn((n) => new Float32Array(n), initialCapacity);
    this.#status = new ChunkedColumn((n) => new Uint16Array(n), initialCapacity);
    this.#outcome = new ChunkedColumn((n) => new Uint8Array(n), initialCapacity);
    this.#version = new ChunkedColumn((n) => new Uint8Array(n), initialCapacity);
  }

  get length(): number {
    return this.#length;
  }

  /** Appends one request; returns its index. Times are performance.now() values. */
  push(scheduledMs: number, sentMs: number, durationMs: number, outcome: number, status: number, version: string | null, upstreamCause = NO_UPSTREAM_CAUSE): number {
    const i = this.#length;
    if (i >= this.#sentMs.capacity) {
      this.#sentMs.ensure(i);
      this.#lagMs.ensure(i);
      this.#durationMs.ensure(i);
      this.#status.ensure(i);
      this.#outcome.ensure(i);
      this.#version.ensure(i);
    }
    this.#sentMs.set(i, sentMs);
    this.#lagMs.set(i, sentMs - scheduledMs);
    this.#durationMs.set(i, durationMs);
    this.#status.set(i, status);
    this.#outcome.set(i, (outcome & OUTCOME_BITS) | ((upstreamCause & OUTCOME_BITS) << CAUSE_SHIFT));
    this.#version.set(i, version === null ? NO_VERSION : this.#internVersion(version));
    this.#length = i + 1;
    return i;
  }

  /** Appends a copy of row `i` of `from` (every column, so a merged or filtered store loses nothing). */
  pushRowOf(from: RecordStore, i: number): number {
    return this.push(from.scheduledMs(i), from.sentMs(i), from.durationMs(i), from.outcome(i), from.status(i), from.versionName(from.versionIndex(i)), from.upstreamCause(i));
  }

  scheduledMs(i: number): number {
    return i >= 0 && i < this.#length ? this.#sentMs.get(i) - this.#lagMs.get(i) : NaN;
  }
  sentMs(i: number): number {
    return i >= 0 && i < this.#length ? this.#sentMs.get(i) : NaN;
  }
  durationMs(i: number): number {
    return i >= 0 && i < this.#length ? this.#durationMs.get(i) : NaN;
  }
  /** Outcome code (see outcome.ts). */
  outcome(i: number): number {
    return i >= 0 && i < this.#length ? this.#outcome.get(i) & OUTCOME_BITS : OUTCOME_OK;
  }
  /** What the front door saw upstream when it answered itself (upstream-cause.ts); 0 for nothing said. */
  upstreamCause(i: number): number {
    return i >= 0 && i < this.#length ? this.#outcome.get(i) >> CAUSE_SHIFT : NO_UPSTREAM_CAUSE;
  }
  failed(i: number): boolean {
    return this.outcome(i) !== OUTCOME_OK;
  }
  /** HTTP status, 0 when no response arrived. */
  status(i: number): number {
    return i >= 0 && i < this.#length ? this.#status.get(i) : 0;
  }
  /** Index into the version table; pass it to versionName. */
  versionIndex(i: number): number {
    return i >= 0 && i < this.#length ? this.#version.get(i) : NO_VERSION;
  }
  /** The version a table index stands for; null when the response carried no version. */
  versionName(index: number): string | null {
    return this.#versionNames[index] ?? null;
  }
  /** Size of the version table (indices are 0 .. versionCount - 1). */
  get versionCount(): number {
    return this.#versionNames.length;
  }

  /** Calls fn with each row index in push order; no allocation per row. */
  forEach(fn: (index: number) => void): void {
    for (let i = 0; i < this.#length; i++) fn(i);
  }

  /** Allocated bytes per stored row (unused capacity included), for the memory benchmark. */
  bytesPerRecord(): number {
    if (this.#length === 0) return 0;
    const bytes =
      this.#sentMs.allocatedBytes +
      this.#lagMs.allocatedBytes +
      this.#durationMs.allocatedBytes +
      this.#status.allocatedBytes +
      this.#outcome.allocatedBytes +
      this.#version.allocatedBytes;
    return bytes / this.#length;
  }

  /**
   * Appends the rows not yet written to a CSV file (format: record-csv.ts), creating it with a
   * header line; returns how many rows this call wrote. Call it as often as wished while the
   * probe runs (each row is written once) and once at the end of the cell; calls queue up.
   */
  appendCsv(path: string, probe: string): Promise<number> {
    const written = this.#writing.then(async () => {
      const from = this.#written;
      const to = this.#length;
      await appendRecordsCsv(this, path, probe, from, to);
      this.#written = to;
      return to - from;
    });
    this.#writing = written.catch(() => undefined);
    return written;
  }

  #internVersion(version: string): number {
    const known = this.#versionIndex.get(version);
    if (known !== undefined) return known;
    if (this.#versionNames.length >= OVERFLOW_VERSION) {
      // A server naming a new version on every response must not grow the table without bound.
      if (this.#versionNames.length === OVERFLOW_VERSION) this.#versionNames.push(OVERFLOW_NAME);
      return OVERFLOW_VERSION;
    }
    const index = this.#versionNames.length;
    this.#versionNames.push(version);
    this.#versionIndex.set(version, index);
    return index;
  }
}
