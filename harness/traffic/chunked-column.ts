export type NumericArray = Float64Array | Float32Array | Uint16Array | Uint8Array;

/** Rows per chunk once a column has grown past its first two chunks (2^14 = 16384). */
export const CHUNK_SHIFT = 14;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;
/** Growth by half of what is held keeps unused capacity under a third of the allocation. */
const GROWTH = 1.5;

/**
 * One column of numbers that grows without ever holding much unused space. Up to two chunks'
 * worth it is a single array that grows by half (copying little); beyond that it adds fixed
 * chunks and copies nothing, so the unused tail is at most one chunk, and at most a third of
 * what is allocated at any length (doubling would waste up to half). Rows are addressed as
 * chunks[i >> CHUNK_SHIFT][i & CHUNK_MASK]: the first array is seen through two views.
 */
export class ChunkedColumn<A extends NumericArray> {
  #make: (length: number) => A;
  #chunks: A[] = [];
  #head: A;
  #capacity: number;

  constructor(make: (length: number) => A, initialCapacity: number) {
    this.#make = make;
    this.#capacity = Math.min(Math.max(1, Math.floor(initialCapacity)), 2 * CHUNK_ROWS);
    this.#head = make(this.#capacity);
    this.#viewHead();
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Bytes allocated for this column (the head's buffer counted once). */
  get allocatedBytes(): number {
    let bytes = this.#head.byteLength;
    for (let c = 2; c < this.#chunks.length; c++) bytes += this.#chunks[c]?.byteLength ?? 0;
    return bytes;
  }

  get(i: number): number {
    return (this.#chunks[i >>> CHUNK_SHIFT] as A)[i & CHUNK_MASK] as number;
  }

  set(i: number, value: number): void {
    (this.#chunks[i >>> CHUNK_SHIFT] as A)[i & CHUNK_MASK] = value;
  }

  /** Makes room for row `length` (the next row) when the column is full. */
  ensure(length: number): void {
    if (length < this.#capacity) return;
    if (this.#capacity < 2 * CHUNK_ROWS) {
      const capacity = Math.min(2 * CHUNK_ROWS, Math.max(this.#capacity + 1, Math.ceil(this.#capacity * GROWTH)));
      const head = this.#make(capacity);
      head.set(this.#head as never);
      this.#head = head;
      this.#capacity = capacity;
      this.#viewHead();
      return;
    }
    this.#chunks.push(this.#make(CHUNK_ROWS));
    this.#capacity += CHUNK_ROWS;
  }

  #viewHead(): void {
    const head = this.#head;
    const first = head.subarray(0, Math.min(head.length, CHUNK_ROWS)) as A;
    this.#chunks = head.length > CHUNK_ROWS ? [first, head.subarray(CHUNK_ROWS) as A] : [first];
  }
}
