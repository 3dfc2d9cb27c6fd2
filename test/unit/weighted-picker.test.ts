import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SmoothWeightedPicker, type WeightedCandidate } from '../../harness/platforms/local/weighted-picker.ts';

function picks(picker: SmoothWeightedPicker, candidates: WeightedCandidate[], n: number): string[] {
  return Array.from({ length: n }, () => picker.pick(candidates) ?? '-');
}

function counts(sequence: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const id of sequence) result[id] = (result[id] ?? 0) + 1;
  return result;
}

describe('SmoothWeightedPicker', () => {
  it('interleaves 5/1/1 exactly as nginx documents it', () => {
    const candidates = [
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ];
    expect(picks(new SmoothWeightedPicker(), candidates, 14).join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it('gives 10/90 exactly its weights in every cycle of 100 picks, without bursts', () => {
    const sequence = picks(
      new SmoothWeightedPicker(),
      [
        { id: 'canary', weight: 10 },
        { id: 'stable', weight: 90 },
      ],
      1000,
    );
    expect(counts(sequence)).toEqual({ canary: 100, stable: 900 });
    for (let start = 0; start < 1000; start += 100) {
      expect(counts(sequence.slice(start, start + 100))).toEqual({ canary: 10, stable: 90 });
    }
    // Smooth: the canary's picks are spread out, one in every ten.
    for (let start = 0; start < 1000; start += 10) {
      expect(sequence.slice(start, start + 10).filter((id) => id === 'canary')).toHaveLength(1);
    }
  });

  it('never picks a zero, negative or non-finite weight', () => {
    const sequence = picks(
      new SmoothWeightedPicker(),
      [
        { id: 'zero', weight: 0 },
        { id: 'live', weight: 3 },
        { id: 'negative', weight: -2 },
        { id: 'nan', weight: Number.NaN },
        { id: 'infinite', weight: Number.POSITIVE_INFINITY },
      ],
      50,
    );
    expect(counts(sequence)).toEqual({ live: 50 });
  });

  it('returns undefined when nothing has weight', () => {
    const picker = new SmoothWeightedPicker();
    expect(picker.pick([])).toBeUndefined();
    expect(picker.pick([{ id: 'a', weight: 0 }])).toBeUndefined();
  });

  it('is deterministic: two pickers fed the same pools pick the same sequence', () => {
    const pool = [
      { id: 'x', weight: 2 },
      { id: 'y', weight: 7 },
      { id: 'z', weight: 4 },
    ];
    expect(picks(new SmoothWeightedPicker(), pool, 200)).toEqual(picks(new SmoothWeightedPicker(), pool, 200));
  });

  it('for any integer weights, every full cycle from a fresh start matches the weights exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (weights, cycles) => {
        const candidates = weights.map((weight, i) => ({ id: `m${i}`, weight }));
        const total = weights.reduce((sum, w) => sum + w, 0);
        const sequence = picks(new SmoothWeightedPicker(), candidates, Math.max(total, 1) * cycles);
        const expected: Record<string, number> = {};
        for (const { id, weight } of candidates) if (weight > 0) expected[id] = weight * cycles;
        if (total === 0) expect(new Set(sequence)).toEqual(new Set(['-']));
        else expect(counts(sequence)).toEqual(expected);
      }),
    );
  });

  it('a candidate left out of a pick keeps its place and is not picked meanwhile', () => {
    const picker = new SmoothWeightedPicker();
    const both = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
    ];
    expect(picks(picker, both, 2)).toEqual(['a', 'b']);
    expect(picks(picker, [{ id: 'a', weight: 1 }], 3)).toEqual(['a', 'a', 'a']);
    expect(counts(picks(picker, both, 10))).toEqual({ a: 5, b: 5 });
  });

  it('forget() lets a returning id start from a fresh score', () => {
    const picker = new SmoothWeightedPicker();
    const pool = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 3 },
    ];
    picks(picker, pool, 1); // b is now owed less than a
    picker.forget('a');
    picker.forget('b');
    expect(picks(picker, pool, 4)).toEqual(picks(new SmoothWeightedPicker(), pool, 4));
  });
});
