// `plan --json`: the cells as data, for generating a CI system's job matrix (GitLab
// `parallel:matrix`, GitHub `strategy.matrix`), and with `--shards N` the shares `run --shard`
// will take, so a job per shard can be generated without running the harness's split twice.
import type { Cell } from '../matrix/cell.ts';
import { cellNeeds, type Need } from '../matrix/cell-needs.ts';
import type { LoadedMatrix } from '../matrix/load-matrix.ts';
import { formatShard, splitIntoShards } from '../matrix/shard-cells.ts';

export interface PlannedCell {
  id: string;
  platform: string;
  method: string;
  from: string;
  to: string;
  via: string[];
  rollback: boolean;
  needs: Need[];
}

export interface PlanJson {
  schemaVersion: 1;
  matrix: string;
  matrixFile: string;
  scenario: string;
  cells: PlannedCell[];
  shards?: { shard: string; index: number; total: number; cells: string[]; needs: Need[] }[];
}

export function planJson(matrix: LoadedMatrix, cells: Cell[], shards?: number): PlanJson {
  const planned = (cell: Cell): PlannedCell => ({
    id: cell.id, platform: cell.platform, method: cell.method, from: cell.from, to: cell.to, via: cell.via, rollback: cell.rollback, needs: cellNeeds(cell),
  });
  const plan: PlanJson = { schemaVersion: 1, matrix: matrix.name, matrixFile: matrix.file, scenario: matrix.scenario.name, cells: cells.map(planned) };
  if (shards !== undefined) {
    plan.shards = splitIntoShards(cells, shards).map((share, index) => ({
      shard: formatShard({ index: index + 1, total: shards }),
      index: index + 1,
      total: shards,
      cells: share.map((cell) => cell.id),
      needs: [...new Set(share.flatMap(cellNeeds))],
    }));
  }
  return plan;
}
