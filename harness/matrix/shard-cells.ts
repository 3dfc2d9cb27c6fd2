// `run --shard I/N`: one deterministic share of a matrix's cells, for a CI system's job fan-out.
// Every job computes the same split from the same plan, so the shards together are the plan,
// each cell exactly once. Shares are balanced by a rough cost per cell, not just by count: a
// kind cell builds a cluster, a local one starts processes.
import type { Cell } from './cell.ts';

export interface Shard {
  index: number;
  total: number;
}

export function parseShard(text: string): Shard | null {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return null;
  const index = Number(match[1]);
  const total = Number(match[2]);
  return index >= 1 && total >= 1 && index <= total ? { index, total } : null;
}

export const formatShard = (shard: Shard): string => `${shard.index}/${shard.total}`;

/** Relative cost of a cell: what its platform has to build, and a rollback's second upgrade. */
export function cellCost(cell: Cell): number {
  const platform = cell.platform === 'local' ? 1 : cell.platform === 'docker' ? 2 : 4;
  return platform * (cell.rollback ? 1.5 : 1);
}

/** Splits cells into `total` shares: most costly first, each to the least loaded share (ties: the lower index, then plan order). */
export function splitIntoShards(cells: Cell[], total: number): Cell[][] {
  const shares: Cell[][] = Array.from({ length: total }, () => []);
  const load = new Array<number>(total).fill(0);
  const order = cells.map((cell, position) => ({ cell, position, cost: cellCost(cell) }));
  order.sort((a, b) => b.cost - a.cost || a.position - b.position);
  for (const { cell, cost } of order) {
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest]!.push(cell);
    load[lightest]! += cost;
  }
  // Within a share, the plan's own order.
  const position = new Map(cells.map((cell, index) => [cell.id, index]));
  return shares.map((share) => share.sort((a, b) => position.get(a.id)! - position.get(b.id)!));
}

export function shardOf(cells: Cell[], shard: Shard): Cell[] {
  return splitIntoShards(cells, shard.total)[shard.index - 1]!;
}
