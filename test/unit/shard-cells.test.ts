import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../harness/matrix/cell.ts';
import { cellCost, parseShard, shardOf, splitIntoShards } from '../../harness/matrix/shard-cells.ts';

const platforms = ['local', 'docker', 'kind'] as const;
const cellsFrom = (spec: { platform: number; rollback: boolean }[]): Cell[] =>
  spec.map(({ platform, rollback }, index) => ({ id: `${platforms[platform]}/c${index}/rolling`, platform: platforms[platform], rollback }) as unknown as Cell);
const cellSpecs = fc.array(fc.record({ platform: fc.integer({ min: 0, max: 2 }), rollback: fc.boolean() }), { maxLength: 40 });

describe('run --shard I/N', () => {
  it('parses I/N and refuses what is not a share', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '-1/2']) expect(parseShard(bad), bad).toBeNull();
  });

  it('puts every cell in exactly one shard, the same way every time', () => {
    fc.assert(
      fc.property(cellSpecs, fc.integer({ min: 1, max: 9 }), (spec, total) => {
        const cells = cellsFrom(spec);
        const shares = Array.from({ length: total }, (_, index) => shardOf(cells, { index: index + 1, total }).map((cell) => cell.id));
        expect(shares.flat().sort()).toEqual(cells.map((cell) => cell.id).sort());
        // Another job computing the split from the same plan gets the same shares.
        expect(splitIntoShards([...cells], total).map((share) => share.map((cell) => cell.id))).toEqual(shares);
      }),
    );
  });

  it('balances the shares by cost: no share carries more than the lightest plus its costliest cell', () => {
    fc.assert(
      fc.property(cellSpecs, fc.integer({ min: 1, max: 6 }), (spec, total) => {
        const shares = splitIntoShards(cellsFrom(spec), total);
        const loads = shares.map((share) => share.reduce((sum, cell) => sum + cellCost(cell), 0));
        const costliest = Math.max(0, ...shares.flat().map(cellCost));
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(costliest);
      }),
    );
  });

  it('spreads costly cells instead of stacking them on one shard', () => {
    const cells = cellsFrom([0, 0, 0, 0, 2, 2].map((platform) => ({ platform, rollback: false })));
    const shares = splitIntoShards(cells, 2);
    expect(shares.map((share) => share.filter((cell) => cell.platform === 'kind').length)).toEqual([1, 1]);
    // Within a share, the plan's order.
    for (const share of shares) {
      const positions = share.map((cell) => cells.indexOf(cell));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });
});
