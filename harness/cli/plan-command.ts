import { resolve } from 'node:path';
import { loadMatrix } from '../matrix/load-matrix.ts';
import type { Cell } from '../matrix/cell.ts';
import { selectCells } from '../matrix/select-cells.ts';
import { planJson } from './plan-json.ts';

export interface PlanCommandOptions {
  only?: string;
  json?: boolean;
  shards?: number;
}

/** `upgrade-harness plan <matrix>`: the cells a run would execute, as text or JSON. Starts nothing. */
export async function planCommand(matrixPath: string, options: PlanCommandOptions): Promise<number> {
  const matrix = await loadMatrix(resolve(matrixPath));
  const cells = options.only ? selectCells(matrix.cells, options.only) : matrix.cells;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(planJson(matrix, cells, options.shards), null, 2)}\n`);
    return 0;
  }
  const rows = cells.map((cell) => {
    const gates = Object.entries(cell.gates).map(([name, value]) => `${name}<=${value}`.replace('availability<=', 'availability>='));
    const traffic = [cell.probes.http ? `${cell.traffic.rate} req/s` : '', cell.probes.endpoints ? `endpoints ${cell.probes.endpoints.rate}/s` : ''].filter(Boolean).join(' + ');
    const size = cell.vm ? fleetSize(cell) : `${cell.replicas} replicas`;
    const extras = [size, cell.expect === 'refused' ? 'must be refused' : '', traffic, cell.rollback ? 'rollback' : '', gates.join(' ')].filter(Boolean);
    return `  ${cell.id.padEnd(44)} ${extras.join(', ')}`;
  });
  process.stdout.write(`${matrix.name} (${matrix.scenario.name}): ${cells.length} cells\n${rows.join('\n')}\n`);
  return 0;
}

/** A vm cell's machines: one for in place; app nodes, a database and a balancer for the multi-node procedure. */
function fleetSize(cell: Cell): string {
  const { kind, machines } = cell.vm!;
  if (cell.method === 'package-in-place') return `1 ${kind} machine`;
  return `${machines.app} app + ${machines.database} database + ${machines.balancer} balancer ${kind} machines`;
}
