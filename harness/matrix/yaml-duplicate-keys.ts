// Duplicate keys in YAML mappings. The yaml package's own check (uniqueKeys) compares every key
// with every earlier key of its mapping: a file of 100,000 keys takes minutes. This is one pass.
import { isScalar, visit, type Document } from 'yaml';

/** Offsets of every key that repeats an earlier key of the same mapping, in file order. */
export function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      // As the yaml package compares keys: scalar values, strictly (1 and "1" differ); other keys never match.
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) offsets.push(key.range?.[0] ?? 0);
        else seen.add(key.value);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}
