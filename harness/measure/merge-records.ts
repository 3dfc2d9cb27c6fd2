import { RecordStore } from '../traffic/record-store.ts';

/** One store holding every probe's records, so outages are judged on all traffic at once. */
export function mergeRecords(stores: RecordStore[]): RecordStore {
  if (stores.length === 1) return stores[0]!;
  const merged = new RecordStore();
  for (const store of stores) {
    store.forEach((i) => {
      merged.pushRowOf(store, i);
    });
  }
  return merged;
}
