import { OUTCOME_OK } from './outcome.ts';

const INITIAL_CAPACITY = 1024;
/** Version index 0 means "no X-App-Version header"; 255 collects versions past the table's end. */
const NO_VERSION = 0;
const OVERFLOW_VERSION = 255;
const OVERFLOW_NAME = '(other versions)';

/**
 * Every request of a probe, one row each, stored as columns in typed arrays that grow by
 * doubling. A run at hundreds of requests per second for an hour is millions of rows: an
 * object per request would cost ~10x the memory and load the garbage collector while the
 * scheduler must stay on time. Rows are pushed when a request completes.
 */
export class RecordStore {
  #length = 0;
  #capacity: number;
  #scheduledMs: Float64Array;
  #sentMs: Float64Array;
  #durationMs: Float32Array;
  #outcome: Uint8Array;
  #status: Uint16Array;
  #version: Uint8Array;
  #versionNames: (string | null)[] = [null];
  #versionIndex = new Map<string, number>();

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.#capacity = Math.max(1, initialCapacity);
    this.#scheduledMs = new Float64Array(this.#capacity);
    this.#sentMs = new Float64Array(this.#capacity);
    this.#durationMs = new Float32Array(this.#capacity);
    this.#outcome = new Uint8Array(this.#capacity);
    this.#status = new Uint16Array(this.#capacity);
    this.#version = new Uint8Array(this.#capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** Appends one request; returns its index. Times are performance.now() values. */
  push(scheduledMs: number, sentMs: number, durationMs: number, outcome: number, status: number, version: string | null): number {
    if (this.#length === this.#capacity) this.#grow();
    const i = this.#length++;
    this.#scheduledMs[i] = scheduledMs;
    this.#sentMs[i] = sentMs;
    this.#durationMs[i] = durationMs;
    this.#outcome[i] = outcome;
    this.#status[i] = status;
    this.#version[i] = this.#internVersion(version);
    return i;
  }

  scheduledMs(i: number): number {
    return this.#scheduledMs[i] ?? NaN;
  }
  sentMs(i: number): number {
    return this.#sentMs[i] ?? NaN;
  }
  durationMs(i: number): number {
    return this.#durationMs[i] ?? NaN;
  }
  /** Outcome code (see outcome.ts). */
  outcome(i: number): number {
    return this.#outcome[i] ?? 0;
  }
  failed(i: number): boolean {
    return this.outcome(i) !== OUTCOME_OK;
  }
  /** HTTP status, 0 when no response arrived. */
  status(i: number): number {
    return this.#status[i] ?? 0;
  }
  /** Index into the version table; pass it to versionName. */
  versionIndex(i: number): number {
    return this.#version[i] ?? NO_VERSION;
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

  /** Allocated bytes per stored row (capacity included), for the memory benchmark. */
  bytesPerRecord(): number {
    if (this.#length === 0) return 0;
    const rowBytes = 8 + 8 + 4 + 1 + 2 + 1;
    return (this.#capacity * rowBytes) / this.#length;
  }

  #internVersion(version: string | null): number {
    if (version === null) return NO_VERSION;
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

  #grow(): void {
    const capacity = this.#capacity * 2;
    this.#scheduledMs = grown(this.#scheduledMs, new Float64Array(capacity));
    this.#sentMs = grown(this.#sentMs, new Float64Array(capacity));
    this.#durationMs = grown(this.#durationMs, new Float32Array(capacity));
    this.#outcome = grown(this.#outcome, new Uint8Array(capacity));
    this.#status = grown(this.#status, new Uint16Array(capacity));
    this.#version = grown(this.#version, new Uint8Array(capacity));
    this.#capacity = capacity;
  }
}

function grown<T extends Float64Array | Float32Array | Uint8Array | Uint16Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
