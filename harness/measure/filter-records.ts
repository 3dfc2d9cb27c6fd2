import { RecordStore } from '../traffic/record-store.ts';

/** A copy of the store with only the rows `keep` accepts (e.g. those outside starved windows). */
export function filterRecords(store: RecordStore, keep: (i: number) => boolean): RecordStore {
  const kept = new RecordStore();
  store.forEach((i) => {
    if (keep(i)) kept.pushRowOf(store, i);
  });
  return kept;
}
